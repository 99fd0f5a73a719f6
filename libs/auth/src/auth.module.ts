import { Module } from '@nestjs/common';
import { AdminKeyGuard } from './admin-key.guard';
import { ApiKeyDirectory } from './api-key-directory.service';

@Module({
  providers: [ApiKeyDirectory, AdminKeyGuard],
  exports: [ApiKeyDirectory, AdminKeyGuard],
})
export class AuthModule {}
