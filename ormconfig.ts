import 'reflect-metadata';
import { dataSourceOptions } from '@plexus/persistence';
import { DataSource } from 'typeorm';

/**
 * The DataSource for the TypeORM CLI (migration:run, migration:generate, ...). The CLI
 * needs a server to talk to: point DATABASE_URL at it. The gateway itself runs its
 * migrations at start, on the embedded database too.
 */
const url = process.env['DATABASE_URL'];
if (!url) throw new Error('ormconfig.ts: set DATABASE_URL to the PostgreSQL database the TypeORM CLI should use');

export default new DataSource(dataSourceOptions({ url, poolSize: 2 }));
