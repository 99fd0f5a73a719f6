import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import { Environment } from '@plexus/config';
import type { DataSource } from 'typeorm';
import { DatabaseEndpoint } from './database/database-endpoint';
import { dataSourceOptions } from './database/data-source-options';
import { AliasRepository } from './repositories/alias.repository';
import { ApiKeyRepository } from './repositories/api-key.repository';
import { ProviderRepository } from './repositories/provider.repository';
import { UsageRepository } from './repositories/usage.repository';

const REPOSITORIES = [ProviderRepository, AliasRepository, ApiKeyRepository, UsageRepository];

/** Closes the pool before the embedded database it talks to. */
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

@Module({
  providers: [
    { provide: DatabaseEndpoint, inject: [Environment], useFactory: (env: Environment) => DatabaseEndpoint.resolve(env) },
  ],
  exports: [DatabaseEndpoint],
})
class DatabaseEndpointModule {}

/** The database: TypeORM over PostgreSQL (a server, or embedded PGlite). Migrations run at start. */
@Module({})
export class PersistenceModule {
  static forRoot(): DynamicModule {
    return {
      module: PersistenceModule,
      global: true,
      imports: [
        DatabaseEndpointModule,
        TypeOrmModule.forRootAsync({
          imports: [DatabaseEndpointModule],
          inject: [DatabaseEndpoint],
          useFactory: (endpoint: DatabaseEndpoint) => ({
            ...dataSourceOptions({ url: endpoint.url, poolSize: endpoint.poolSize }),
            migrationsRun: true,
          }),
        }),
      ],
      providers: [...REPOSITORIES, EmbeddedDatabaseShutdown],
      exports: [...REPOSITORIES],
    };
  }
}
