import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule } from '@plexus/auth';
import { QuotaModule } from '@plexus/quota';
import { RoutingModule } from '@plexus/routing';
import { ConfigRuntime } from './config-runtime.service';
import { ConfigTransferController } from './config-transfer.controller';
import { ConfigTransferService } from './config-transfer.service';
import {
  DECLARATIVE_CONFIG_OPTIONS,
  DeclarativeConfigService,
  type DeclarativeConfigOptions,
} from './declarative-config.service';

/** Config export/import, backup/restore, and the declarative config file (PLEXUS_CONFIG). */
@Module({})
export class ConfigTransferModule {
  static forRoot(options: DeclarativeConfigOptions): DynamicModule {
    return {
      module: ConfigTransferModule,
      imports: [AuthModule, QuotaModule, RoutingModule],
      controllers: [ConfigTransferController],
      providers: [
        { provide: DECLARATIVE_CONFIG_OPTIONS, useValue: options },
        ConfigTransferService,
        ConfigRuntime,
        DeclarativeConfigService,
      ],
    };
  }
}
