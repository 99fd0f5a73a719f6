import { Module } from '@nestjs/common';
import { AuthModule } from '@plexus/auth';
import { OAuthModule } from '@plexus/oauth';
import { MetersModule, QuotaModule } from '@plexus/quota';
import { RoutingModule } from '@plexus/routing';
import { CatalogModule, UsageModule } from '@plexus/usage';
import { AliasesController } from './aliases/aliases.controller';
import { AliasesService } from './aliases/aliases.service';
import { AuditController } from './audit/audit.controller';
import { AuthVerifyController } from './auth/auth-verify.controller';
import { ConcurrencyController } from './concurrency/concurrency.controller';
import { InFlightRequests } from './concurrency/in-flight-requests.service';
import { OidcConfigController } from './auth/oidc-config.controller';
import { TrustedProxiesController } from './auth/trusted-proxies.controller';
import { CooldownsController } from './cooldowns/cooldowns.controller';
import { CaptureTraceOnErrorController, DebugController, SelfDebugController } from './debug/debug.controller';
import { EventsController } from './events/events.controller';
import { KeysController } from './keys/keys.controller';
import { KeysService } from './keys/keys.service';
import { LoggingController, SystemLogsController } from './logging/logging.controller';
import { ManagementMetricsController } from './metrics/management-metrics.controller';
import { ModelMetadataController } from './models/model-metadata.controller';
import { OAuthController, PiCatalogController } from './oauth/oauth.controller';
import { PerformanceController } from './performance/performance.controller';
import { ProviderToolingController } from './providers/provider-tooling.controller';
import { ProvidersController } from './providers/providers.controller';
import { ProvidersService } from './providers/providers.service';
import { QuotaStatusController, SelfQuotaController } from './quotas/quota-status.controller';
import {
  QuotaCheckersController,
  QuotaCheckerTypesController,
  QuotaMetersController,
} from './quota-meters/quota-meters.controller';
import { UserQuotasController } from './quotas/user-quotas.controller';
import { UserQuotasService } from './quotas/user-quotas.service';
import { GracefulRestart } from './restart/graceful-restart.service';
import { RestartController } from './restart/restart.controller';
import { SelfController } from './self/self.controller';
import { SettingsController } from './settings/settings.controller';
import { RequestShapingController } from './settings/request-shaping.controller';
import { ErrorsController } from './usage/errors.controller';
import { InferenceErrorsService } from './usage/inference-errors.service';
import { LogsResetController } from './usage/logs-reset.controller';
import { UsageController } from './usage/usage.controller';
import { McpLogsController } from './mcp/mcp-logs.controller';
import { McpServersController } from './mcp/mcp-servers.controller';
import { McpEnabledController, McpEnabledSetting } from './mcp/mcp-enabled.controller';
import { PlexusManagementMcp } from './mcp/plexus/plexus-mcp.service';

@Module({
  imports: [AuthModule, OAuthModule, QuotaModule, MetersModule, RoutingModule, UsageModule, CatalogModule],
  controllers: [
    AuthVerifyController,
    ProvidersController,
    AliasesController,
    KeysController,
    UsageController,
    ManagementMetricsController,
    CooldownsController,
    SettingsController,
    RequestShapingController,
    PerformanceController,
    ErrorsController,
    UserQuotasController,
    QuotaStatusController,
    SelfQuotaController,
    QuotaCheckerTypesController,
    QuotaCheckersController,
    QuotaMetersController,
    SelfController,
    TrustedProxiesController,
    AuditController,
    ProviderToolingController,
    LogsResetController,
    ConcurrencyController,
    OidcConfigController,
    ModelMetadataController,
    DebugController,
    SelfDebugController,
    CaptureTraceOnErrorController,
    EventsController,
    LoggingController,
    SystemLogsController,
    RestartController,
    McpServersController,
    McpLogsController,
    McpEnabledController,
    OAuthController,
    PiCatalogController,
  ],
  providers: [
    ProvidersService,
    AliasesService,
    KeysService,
    UserQuotasService,
    InferenceErrorsService,
    InFlightRequests,
    GracefulRestart,
    McpEnabledSetting,
    PlexusManagementMcp,
  ],
  exports: [GracefulRestart, PlexusManagementMcp],
})
export class ManagementModule {}
