import { Module } from '@nestjs/common';
import { AuthModule } from '@plexus/auth';
import { RoutingModule } from '@plexus/routing';
import { AliasesController } from './aliases/aliases.controller';
import { KeysController } from './keys/keys.controller';
import { ProvidersController } from './providers/providers.controller';
import { UsageController } from './usage/usage.controller';

@Module({
  imports: [AuthModule, RoutingModule],
  controllers: [ProvidersController, AliasesController, KeysController, UsageController],
})
export class ManagementModule {}
