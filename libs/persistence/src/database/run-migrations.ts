import type { DataSource } from 'typeorm';

/**
 * Runs pending migrations once however many replicas start together: each takes a
 * session advisory lock first, so the first migrates and the others, once it is done,
 * find nothing pending. The embedded database serves one gateway process: no one to
 * take turns with.
 */
export async function runMigrationsOnce(dataSource: DataSource, options: { embedded: boolean }): Promise<void> {
  if (options.embedded) {
    await dataSource.runMigrations();
    return;
  }
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query(`SELECT pg_advisory_lock(hashtext('plexus:migrations'))`);
    try {
      await dataSource.runMigrations();
    } finally {
      await runner.query(`SELECT pg_advisory_unlock(hashtext('plexus:migrations'))`);
    }
  } finally {
    await runner.release();
  }
}
