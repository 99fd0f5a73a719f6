import { DatabaseEndpoint, dataSourceOptions, runMigrationsOnce } from '@plexus/persistence';
import { DataSource } from 'typeorm';

/**
 * `plexus migrate`: brings the schema of DATABASE_URL (or the embedded database under
 * DATA_DIR) up to date and exits. The Helm chart's pre-install/pre-upgrade Job runs it,
 * and the pods then start with RUN_MIGRATIONS=false.
 */
export async function migrate(env: NodeJS.ProcessEnv): Promise<string> {
  const endpoint = await DatabaseEndpoint.resolve({
    databaseUrl: env['DATABASE_URL'] || undefined,
    dataDir: env['DATA_DIR'] || './data',
  });
  const dataSource = new DataSource(dataSourceOptions({ url: endpoint.url, poolSize: endpoint.poolSize }));
  try {
    await dataSource.initialize();
    const pending = (await dataSource.showMigrations()) ? 'applied pending migrations' : 'the schema was up to date';
    await runMigrationsOnce(dataSource, { embedded: endpoint.embedded !== null });
    return pending;
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await endpoint.embedded?.stop();
  }
}
