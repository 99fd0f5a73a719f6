import { Module } from '@nestjs/common';
import { ResponseStore } from './response-store.service';

@Module({
  providers: [ResponseStore],
  exports: [ResponseStore],
})
export class ConversationsModule {}
