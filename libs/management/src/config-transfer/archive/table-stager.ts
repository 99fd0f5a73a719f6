import { parse } from 'csv-parse';
import { pipeline, type Readable } from 'node:stream';
import type { QueryRunner } from 'typeorm';
import { ident, type Column } from './operational-tables';

/** Bind parameters per INSERT (PostgreSQL allows 65535). */
const CHUNK_PARAMETERS = 30_000;

type CsvValue = string | null;

/** Characters of one CSV record; a debug trace row holds a few bounded bodies. */
const MAX_RECORD_BYTES = 16 * 1024 * 1024;

interface StagedTable {
  table: string;
  staging: string;
  columns: string[];
  rows: number;
}

/** A backup that does not fit this database: answered 400, nothing changed. */
export class BackupMismatchError extends Error {}

/**
 * Restores operational tables inside the caller's transaction in two steps: every table of
 * the archive is first read, a batch of rows at a time, into a temporary copy of its table
 * (so its columns and every value are checked by PostgreSQL itself), and only once the whole
 * archive has been read are the real tables replaced from those copies.
 */
export class TableStager {
  private readonly staged: StagedTable[] = [];

  constructor(
    private readonly runner: QueryRunner,
    private readonly schema: Map<string, Column[]>,
  ) {}

  /** Reads one table's CSV (header row first, `\N` unquoted is NULL) into its staging copy. */
  async stage(table: string, csv: Readable): Promise<void> {
    const columns = this.schema.get(table);
    if (!columns) throw new BackupMismatchError(`table ${table} does not exist here`);
    if (this.staged.some((staged) => staged.table === table)) throw new BackupMismatchError(`${table} appears twice`);
    const types = new Map(columns.map((column) => [column.name, column.type]));
    const staging = `plexus_restore_${this.staged.length}`;
    await this.runner.query(
      `CREATE TEMP TABLE ${ident(staging)} (LIKE ${ident(table)} INCLUDING DEFAULTS) ON COMMIT DROP`,
    );
    const parser = pipeline(
      csv,
      parse({
        // A single value may not grow without bound (a decompression bomb is one endless value).
        max_record_size: MAX_RECORD_BYTES,
        cast: (value, context) => (!context.quoting && value === '\\N' ? null : value),
      }),
      // Errors reach the loop below through the parser, which the pipeline destroys with them.
      () => undefined,
    ) as AsyncIterable<CsvValue[]>;
    let header: string[] | undefined;
    let batch: CsvValue[][] = [];
    let rows = 0;
    let perBatch = 1;
    for await (const record of parser) {
      if (!header) {
        header = record.map((name) => name ?? '');
        const unknown = header.filter((name) => !types.has(name));
        if (unknown.length > 0) throw new BackupMismatchError(`${table}: unknown columns ${unknown.join(', ')}`);
        perBatch = Math.max(1, Math.floor(CHUNK_PARAMETERS / Math.max(1, header.length)));
        continue;
      }
      batch.push(record);
      rows += 1;
      if (batch.length >= perBatch) {
        await this.insert(staging, header, types, batch);
        batch = [];
      }
    }
    if (!header) throw new BackupMismatchError(`${table}: the CSV has no header row`);
    if (batch.length > 0) await this.insert(staging, header, types, batch);
    this.staged.push({ table, staging, columns: header, rows });
  }

  /** Replaces each staged table's rows; sequences continue after the restored ids. */
  async replace(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const { table, staging, columns, rows } of this.staged) {
      const list = columns.map(ident).join(', ');
      await this.runner.query(`DELETE FROM ${ident(table)}`);
      await this.runner.query(`INSERT INTO ${ident(table)} (${list}) SELECT ${list} FROM ${ident(staging)}`);
      for (const column of this.schema.get(table) ?? []) {
        if (!column.sequence) continue;
        await this.runner.query(
          `SELECT setval($1, COALESCE((SELECT max(${ident(column.name)}) FROM ${ident(table)}), 0) + 1, false)`,
          [column.sequence],
        );
      }
      counts[table] = rows;
    }
    return counts;
  }

  private async insert(
    staging: string,
    header: string[],
    types: Map<string, string>,
    batch: CsvValue[][],
  ): Promise<void> {
    const parameters: CsvValue[] = [];
    const values = batch.map((row) => {
      if (row.length !== header.length) throw new BackupMismatchError(`a row does not have ${header.length} values`);
      const placeholders = row.map((value, index) => {
        parameters.push(value);
        return `$${parameters.length}::${types.get(header[index] ?? '') ?? 'text'}`;
      });
      return `(${placeholders.join(', ')})`;
    });
    await this.runner.query(
      `INSERT INTO ${ident(staging)} (${header.map(ident).join(', ')}) VALUES ${values.join(', ')}`,
      parameters,
    );
  }
}
