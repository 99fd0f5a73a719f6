import { copyLegacyQuotaSnapshots, dataSourceOptions } from '@plexus/persistence';
import { DataSource } from 'typeorm';

/**
 * `plexus migrate-quota-snapshots`: copies the legacy `quota_snapshots` table into
 * `meter_snapshots` (the reference's field mapping). Safe to run twice: readings already
 * copied are skipped. Needs DATABASE_URL explicitly: there is no embedded-database default.
 */
export async function migrateQuotaSnapshots(env: NodeJS.ProcessEnv): Promise<string> {
  const url = env['DATABASE_URL'];
  if (!url) throw new Error('migrate-quota-snapshots needs DATABASE_URL (the database holding quota_snapshots)');
  const dataSource = new DataSource(dataSourceOptions({ url, poolSize: 2 }));
  try {
    await dataSource.initialize();
    await dataSource.runMigrations();
    const copy = await copyLegacyQuotaSnapshots(dataSource);
    if (!copy.tableExists) return 'no quota_snapshots table: nothing to migrate';
    if (copy.source === 0) return 'quota_snapshots is empty: nothing to migrate';
    return `copied ${copy.inserted} of ${copy.source} quota_snapshots rows into meter_snapshots (${copy.source - copy.inserted} already there)`;
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
  }
}
