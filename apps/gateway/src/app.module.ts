import { Module, type DynamicModule } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { TerminusModule } from '@nestjs/terminus';
import { ConfigModule, type Environment } from '@plexus/config';
import { IngressModule } from '@plexus/ingress';
import { ConfigTransferModule, ManagementModule } from '@plexus/management';
import { PersistenceModule } from '@plexus/persistence';
import { HealthController } from './health/health.controller';
import { ProviderQuotaModule } from './provider-quota.module';

@Module({})
export class AppModule {
  static forRoot(environment: Environment): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(environment),
        PersistenceModule.forRoot({
          databaseUrl: environment.DATABASE_URL,
          dataDir: environment.DATA_DIR,
          encryptionKey: environment.ENCRYPTION_KEY,
        }),
        ScheduleModule.forRoot(),
        ProviderQuotaModule,
        TerminusModule,
        IngressModule,
        ManagementModule,
        ConfigTransferModule.forRoot({ configFile: environment.PLEXUS_CONFIG }),
      ],
      controllers: [HealthController],
    };
  }
}
