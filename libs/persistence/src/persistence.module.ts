import {
  Inject,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DatabaseEndpoint, type DatabaseParams } from './database/database-endpoint';
import { dataSourceOptions } from './database/data-source-options';
import { runMigrationsOnce } from './database/run-migrations';
import { SecretCipher, useSecretCipher } from './encryption/secret-cipher';
import { reconcileSecretsAtRest } from './encryption/secrets-at-rest';
import { AliasRepository } from './repositories/alias.repository';
import { ApiKeyRepository } from './repositories/api-key.repository';
import { AuditLogRepository } from './repositories/audit-log.repository';
import { ConcurrencyRepository } from './repositories/concurrency.repository';
import { CooldownRepository } from './repositories/cooldown.repository';
import { DebugLogRepository } from './repositories/debug-log.repository';
import { ProviderRepository } from './repositories/provider.repository';
import { StoredResponseRepository } from './repositories/stored-response.repository';
import { SystemSettingsRepository } from './repositories/system-settings.repository';
import { UsageRepository } from './repositories/usage.repository';
import { QuotaStateRepository } from './repositories/quota-state.repository';
import { UserQuotaRepository } from './repositories/user-quota.repository';
import { MeterSnapshotRepository } from './repositories/meter-snapshot.repository';
import { McpServerKeyRepository, McpUsageRepository } from './repositories/mcp.repository';
import { OAuthCredentialRepository } from './repositories/oauth-credential.repository';

const REPOSITORIES = [
  ProviderRepository,
  AliasRepository,
  ApiKeyRepository,
  UsageRepository,
  StoredResponseRepository,
  CooldownRepository,
  SystemSettingsRepository,
  UserQuotaRepository,
  QuotaStateRepository,
  MeterSnapshotRepository,
  DebugLogRepository,
  AuditLogRepository,
  ConcurrencyRepository,
  McpServerKeyRepository,
  McpUsageRepository,
  OAuthCredentialRepository,
];

/** Closes the pool before the embedded server it talks to. */
class EmbeddedDatabaseShutdown implements OnApplicationShutdown {
  constructor(
    @Inject(DatabaseEndpoint) private readonly endpoint: DatabaseEndpoint,
    @Inject(getDataSourceToken()) private readonly dataSource: DataSource,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    if (!this.endpoint.embedded) return;
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    await this.endpoint.embedded.stop();
  }
}

/** Encrypts plaintext secrets once a key is configured; refuses to run without a needed key. */
class SecretsAtRestInitializer implements OnModuleInit {
  private readonly logger = new Logger('SecretsAtRest');

  constructor(
    @Inject(SecretCipher) private readonly cipher: SecretCipher,
    @Inject(getDataSourceToken()) private readonly dataSource: DataSource,
  ) {}

  async onModuleInit(): Promise<void> {
    const encrypted = await reconcileSecretsAtRest(this.dataSource, this.cipher);
    if (encrypted > 0)
      this.logger.log(`encrypted ${encrypted} secrets stored in plaintext before ENCRYPTION_KEY was set`);
  }
}

const DATABASE_PARAMS = Symbol('DATABASE_PARAMS');

@Module({})
class DatabaseEndpointModule {
  static register(params: DatabaseParams): DynamicModule {
    return {
      module: DatabaseEndpointModule,
      global: true,
      providers: [
        { provide: DATABASE_PARAMS, useValue: params },
        {
          provide: DatabaseEndpoint,
          inject: [DATABASE_PARAMS],
          useFactory: (p: DatabaseParams) => DatabaseEndpoint.resolve(p),
        },
      ],
      exports: [DatabaseEndpoint],
    };
  }
}

/**
 * The database: TypeORM over PostgreSQL (a server, or the embedded one). Migrations run at
 * start (once, whatever the number of replicas) unless `runMigrations` is false.
 */
@Module({})
export class PersistenceModule {
  static forRoot(params: DatabaseParams & { encryptionKey?: string; runMigrations?: boolean }): DynamicModule {
    const cipher = new SecretCipher(params.encryptionKey);
    useSecretCipher(cipher);
    // Set by the options factory, read by the data source factory that Nest calls right after it.
    let embedded = false;
    return {
      module: PersistenceModule,
      global: true,
      imports: [
        DatabaseEndpointModule.register(params),
        TypeOrmModule.forRootAsync({
          inject: [DatabaseEndpoint],
          useFactory: (endpoint: DatabaseEndpoint) => {
            embedded = endpoint.embedded !== null;
            return dataSourceOptions({ url: endpoint.url, poolSize: endpoint.poolSize });
          },
          dataSourceFactory: async (options) => {
            if (!options) throw new Error('no data source options');
            const dataSource = await new DataSource(options).initialize();
            if (params.runMigrations !== false) await runMigrationsOnce(dataSource, { embedded });
            return dataSource;
          },
        }),
      ],
      providers: [
        ...REPOSITORIES,
        EmbeddedDatabaseShutdown,
        { provide: SecretCipher, useValue: cipher },
        SecretsAtRestInitializer,
      ],
      exports: [...REPOSITORIES, SecretCipher],
    };
  }
}
