import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';

/** Logs what the one-time copy does (Nest's Logger fits). */
interface MigrationLogger {
  log(message: string): void;
}

export interface LegacyPgliteMigration {
  /** `DATA_DIR/pglite`, the in-process PGlite database of earlier versions. */
  pgliteDir: string;
  /** The freshly created PostgreSQL cluster. */
  targetUrl: string;
  logger: MigrationLogger;
}

/** TypeORM's own bookkeeping: both sides run the same migrations, so it is not copied. */
const SKIPPED_TABLES = new Set(['migrations', 'typeorm_metadata']);
const BATCH_ROWS = 2_000;

/**
 * The PGlite server, run in a process of its own for the copy: PGlite's memory (hundreds
 * of MB) is returned to the system when it exits, and never joins the gateway's heap.
 */
const PGLITE_SERVER = `
const [pglite, socket, dir] = process.argv.slice(1);
const { PGlite } = await import(pglite);
const { PGLiteSocketServer } = await import(socket);
const db = await PGlite.create(dir);
const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 1 });
await server.start();
process.stdout.write('listening ' + server.getServerConn() + '\\n');
process.stdin.on('end', async () => { await server.stop(); await db.close(); process.exit(0); });
process.stdin.resume();
`;

/**
 * Copies an earlier version's PGlite database (DATA_DIR/pglite) into the new cluster,
 * once: both get every migration first, so the tables match column for column; then
 * each table's rows are copied in batches (foreign keys off for the copy), sequences are
 * moved past the copied ids. The caller renames the PGlite directory once it is done.
 */
export async function migrateLegacyPglite(params: LegacyPgliteMigration): Promise<void> {
  params.logger.log(`copying the PGlite database of ${params.pgliteDir} into the embedded PostgreSQL server`);
  const server = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      PGLITE_SERVER,
      pathToFileURL(require.resolve('@electric-sql/pglite')).href,
      pathToFileURL(require.resolve('@electric-sql/pglite-socket')).href,
      params.pgliteDir,
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const stopped = new Promise((done) => server.once('exit', done));
  try {
    const address = await new Promise<string>((done, fail) => {
      let output = '';
      server.stdout?.on('data', (data: Buffer) => {
        output += data.toString();
        const match = /listening (\S+)/.exec(output);
        if (match?.[1]) done(match[1]);
      });
      server.once('exit', (code) => fail(new Error(`the PGlite server for the migration exited (${code})`)));
    });
    const sourceUrl = `postgresql://postgres:postgres@${address}/postgres`;
    await migrateSchema(sourceUrl, 1);
    await migrateSchema(params.targetUrl, 2);
    const rows = await copyTables(sourceUrl, params.targetUrl);
    params.logger.log(`copied ${rows} rows from PGlite`);
  } finally {
    server.stdin?.end();
    await stopped;
  }
}

async function migrateSchema(url: string, poolSize: number): Promise<void> {
  const dataSource = new DataSource({ ...dataSourceOptions({ url, poolSize }), migrationsRun: true });
  await dataSource.initialize();
  await dataSource.destroy();
}

async function copyTables(sourceUrl: string, targetUrl: string): Promise<number> {
  const source = new Client({ connectionString: sourceUrl });
  const target = new Client({ connectionString: targetUrl });
  await source.connect();
  await target.connect();
  let copied = 0;
  try {
    const { rows: tables } = await source.query<{ name: string }>(
      `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`,
    );
    await target.query('BEGIN');
    // Rows arrive table by table, so references are checked by nobody: they held in the source.
    await target.query(`SET LOCAL session_replication_role = replica`);
    for (const { name } of tables) {
      if (SKIPPED_TABLES.has(name)) continue;
      const table = target.escapeIdentifier(name);
      await target.query(`DELETE FROM ${table}`);
      for (let offset = 0; ; offset += BATCH_ROWS) {
        const { rows } = await source.query<{ batch: string | null }>(
          `SELECT json_agg(row_to_json(t))::text AS batch
             FROM (SELECT * FROM ${table} ORDER BY ctid LIMIT ${BATCH_ROWS} OFFSET ${offset}) t`,
        );
        const batch = rows[0]?.batch;
        if (!batch) break;
        const inserted = await target.query(
          `INSERT INTO ${table} SELECT * FROM json_populate_recordset(NULL::${table}, $1::json)`,
          [batch],
        );
        copied += inserted.rowCount ?? 0;
      }
    }
    await advanceSequences(target);
    await target.query('COMMIT');
  } catch (error) {
    await target.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await source.end();
    await target.end();
  }
  return copied;
}

/** Serial and identity columns continue after the highest copied id. */
async function advanceSequences(target: Client): Promise<void> {
  const { rows } = await target.query<{ sequence: string; tbl: string; col: string }>(
    `SELECT s.oid::regclass::text AS sequence, t.oid::regclass::text AS tbl, a.attname AS col
       FROM pg_class s
       JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
       JOIN pg_class t ON t.oid = d.refobjid
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
      WHERE s.relkind = 'S'`,
  );
  for (const { sequence, tbl, col } of rows) {
    await target.query(
      `SELECT setval($1::regclass, COALESCE((SELECT max(${target.escapeIdentifier(col)}) FROM ${tbl}), 0) + 1, false)`,
      [sequence],
    );
  }
}
