import { Module } from '@nestjs/common';
import { AuthModule } from '@plexus/auth';
import { QuotaModule } from '@plexus/quota';
import { RoutingModule } from '@plexus/routing';
import { UsageModule } from '@plexus/usage';
import { AliasesController } from './aliases/aliases.controller';
import { AuthVerifyController } from './auth/auth-verify.controller';
import { CooldownsController } from './cooldowns/cooldowns.controller';
import { KeysController } from './keys/keys.controller';
import { ManagementMetricsController } from './metrics/management-metrics.controller';
import { PerformanceController } from './performance/performance.controller';
import { ProvidersController } from './providers/providers.controller';
import { QuotaStatusController, SelfQuotaController } from './quotas/quota-status.controller';
import { UserQuotasController } from './quotas/user-quotas.controller';
import { SettingsController } from './settings/settings.controller';
import { ErrorsController } from './usage/errors.controller';
import { UsageController } from './usage/usage.controller';

@Module({
  imports: [AuthModule, QuotaModule, RoutingModule, UsageModule],
  controllers: [AuthVerifyController, ProvidersController, AliasesController, KeysController, UsageController, ManagementMetricsController, CooldownsController, SettingsController, PerformanceController, ErrorsController, UserQuotasController, QuotaStatusController, SelfQuotaController],
})
export class ManagementModule {}
