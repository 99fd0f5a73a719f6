import type { DataSourceOptions } from 'typeorm';
import { ENTITIES } from '../entities';
import { MIGRATIONS } from '../migrations';

export interface DataSourceParams {
  url: string;
  /** Connections in the pool; the embedded database takes exactly one. */
  poolSize: number;
}

export function dataSourceOptions(params: DataSourceParams): DataSourceOptions {
  return {
    type: 'postgres',
    url: params.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: false,
    synchronize: false,
    // TypeORM's query log prints bound parameters, which can be secrets.
    logging: false,
    extra: { max: params.poolSize },
  };
}
