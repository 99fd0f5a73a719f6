import { Module, type DynamicModule } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { TerminusModule } from '@nestjs/terminus';
import { ConfigModule, type Environment } from '@plexus/config';
import { IngressModule } from '@plexus/ingress';
import { ConfigTransferModule, ManagementModule } from '@plexus/management';
import { AuthModule } from '@plexus/auth';
import { McpModule } from '@plexus/mcp';
import { QuotaModule } from '@plexus/quota';
import { GatewayMcpAccess } from './mcp-access';
import { PersistenceModule } from '@plexus/persistence';
import { LogJournal, LoggingModule } from '@plexus/usage';
import { ConfigBusModule } from './config-bus.module';
import { HealthController } from './health/health.controller';
import { ProviderQuotaModule } from './provider-quota.module';
import { LoginThrottleModule } from './login-throttle.module';
import { ProviderToolingModule } from './provider-tooling.module';
import { RoutingMetricsModule } from './routing-metrics.module';
import { ShutdownState } from './shutdown/shutdown-state';

@Module({})
export class AppModule {
  /** `logs`: the journal the app's logger writes to (app.factory makes both before the app). */
  static forRoot(environment: Environment, logs: LogJournal = LogJournal.fromEnvironment(environment)): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(environment),
        LoggingModule.forRoot(logs),
        PersistenceModule.forRoot({
          databaseUrl: environment.DATABASE_URL,
          dataDir: environment.DATA_DIR,
          encryptionKey: environment.ENCRYPTION_KEY,
          runMigrations: environment.RUN_MIGRATIONS,
        }),
        ConfigBusModule,
        ScheduleModule.forRoot(),
        ProviderQuotaModule,
        ProviderToolingModule,
        RoutingMetricsModule,
        LoginThrottleModule,
        TerminusModule,
        IngressModule,
        McpModule.forRoot({ imports: [AuthModule, QuotaModule], access: GatewayMcpAccess }),
        ManagementModule,
        ConfigTransferModule.forRoot({ configFile: environment.PLEXUS_CONFIG }),
      ],
      controllers: [HealthController],
      providers: [ShutdownState],
    };
  }
}
