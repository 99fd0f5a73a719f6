import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { PoolClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { pack as tarPack } from 'tar-stream';
import type { DataSource } from 'typeorm';
import { ident, operationalColumns } from './operational-tables';

interface SpooledTable {
  table: string;
  file: string;
  rows: number;
}

/** The JSON files at the head of the archive; the manifest learns each table's row count. */
export interface BackupArchiveHead {
  manifest: Record<string, unknown>;
  config: unknown;
}

/**
 * Writes a full backup to `out` as a gzipped tar of manifest.json, config.json and one
 * `<table>.csv.gz` per operational table, without holding a table in memory: each table is
 * copied out of PostgreSQL (`COPY ... TO STDOUT`, CSV in PostgreSQL's text form, NULL as
 * `\N`) through gzip into a temporary file, all in one read-only snapshot; a tar entry
 * must state its size first, so the files are then streamed into the tar and gzip.
 */
export async function writeBackupArchive(
  dataSource: DataSource,
  head: BackupArchiveHead,
  out: Writable,
): Promise<void> {
  const directory = await mkdtemp(join(tmpdir(), 'plexus-backup-'));
  try {
    const tables = await spoolTables(dataSource, directory);
    const manifest = { ...head.manifest, tables: Object.fromEntries(tables.map((table) => [table.table, table.rows])) };
    const pack = tarPack();
    const written = pipeline(pack, createGzip(), out);
    pack.entry({ name: 'manifest.json' }, JSON.stringify(manifest, null, 2));
    pack.entry({ name: 'config.json' }, JSON.stringify(head.config, null, 2));
    for (const table of tables) {
      const { size } = await stat(table.file);
      await pipeline(createReadStream(table.file), pack.entry({ name: `${table.table}.csv.gz`, size }));
    }
    pack.finalize();
    await written;
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

async function spoolTables(dataSource: DataSource, directory: string): Promise<SpooledTable[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    // One snapshot for every table, so the backup is consistent while the gateway keeps serving.
    await runner.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    try {
      const client = (runner as unknown as { databaseConnection: PoolClient }).databaseConnection;
      const tables: SpooledTable[] = [];
      for (const [table, columns] of await operationalColumns(runner.manager)) {
        const select = columns.map((column) => `${ident(column.name)}::text AS ${ident(column.name)}`).join(', ');
        const copy = client.query(
          copyTo(`COPY (SELECT ${select} FROM ${ident(table)}) TO STDOUT WITH (FORMAT csv, HEADER true, NULL '\\N')`),
        );
        const file = join(directory, `${tables.length}.csv.gz`);
        await pipeline(copy, createGzip(), createWriteStream(file, { mode: 0o600 }));
        tables.push({ table, file, rows: copy.rowCount });
      }
      return tables;
    } finally {
      await runner.query('COMMIT');
    }
  } finally {
    await runner.release();
  }
}
