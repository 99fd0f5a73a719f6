import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';
import { EmbeddedPostgres } from './embedded-postgres';

/** Writes rows into a PGlite database laid out as earlier versions left DATA_DIR/pglite. */
async function seedLegacyPglite(dir: string): Promise<void> {
  const db = await PGlite.create(dir);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 1 });
  await server.start();
  const dataSource = new DataSource({
    ...dataSourceOptions({ url: `postgresql://postgres:postgres@${server.getServerConn()}/postgres`, poolSize: 1 }),
    migrationsRun: true,
  });
  try {
    await dataSource.initialize();
    await dataSource.query(`INSERT INTO system_settings (key, value) VALUES ('cooldown', '{"initialMinutes": 3}')`);
    await dataSource.query(
      `INSERT INTO audit_log (actor, actor_kind, method, path, status) VALUES ('admin-key', 'admin', 'PUT', '/a', 200), ('admin-key', 'admin', 'PUT', '/b', 200)`,
    );
  } finally {
    await dataSource.destroy();
    await server.stop();
    await db.close();
  }
}

describe('an earlier version’s PGlite data directory', () => {
  let dataDir: string;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'plexus-legacy-'));
  });

  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is copied into the embedded PostgreSQL server once, ids continuing after the copied ones', async () => {
    await seedLegacyPglite(join(dataDir, 'pglite'));

    const server = await EmbeddedPostgres.start(dataDir);
    const client = new Client({ connectionString: server.url });
    try {
      await client.connect();
      const settings = await client.query<{ value: unknown }>(
        `SELECT value FROM system_settings WHERE key = 'cooldown'`,
      );
      expect(settings.rows).toEqual([{ value: { initialMinutes: 3 } }]);
      const inserted = await client.query<{ id: string }>(
        `INSERT INTO audit_log (actor, actor_kind, method, path, status) VALUES ('x', 'admin', 'PUT', '/c', 200) RETURNING id`,
      );
      expect(inserted.rows).toEqual([{ id: '3' }]);
    } finally {
      await client.end();
      await server.stop();
    }
    expect(existsSync(join(dataDir, 'pglite'))).toBe(false);
    expect(existsSync(join(dataDir, 'pglite.migrated'))).toBe(true);

    // The next start uses the server's own data and leaves the old files alone.
    const again = await EmbeddedPostgres.start(dataDir);
    const second = new Client({ connectionString: again.url });
    try {
      await second.connect();
      expect((await second.query(`SELECT count(*)::int AS n FROM audit_log`)).rows).toEqual([{ n: 3 }]);
    } finally {
      await second.end();
      await again.stop();
    }
  }, 240_000);
});
