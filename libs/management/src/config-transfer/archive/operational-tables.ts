import type { EntityManager } from 'typeorm';
import type { CsvValue } from './csv';

/** Tables a config backup already covers, the migration bookkeeping and the audit trail: never in the operational part. */
const NOT_OPERATIONAL = new Set([
  'providers',
  'provider_models',
  'model_aliases',
  'api_keys',
  'user_quota_definitions',
  'system_settings',
  'migrations',
  'typeorm_metadata',
  // The audit trail only grows: a restore must not rewrite who changed what (the restore itself is audited).
  'audit_log',
]);

/** Bind parameters per INSERT (PostgreSQL allows 65535). */
const CHUNK_PARAMETERS = 30_000;

interface Column {
  name: string;
  /** As `format_type` spells it, so it can be cast to. */
  type: string;
  sequence: string | null;
}

export interface TableDump {
  table: string;
  columns: string[];
  rows: CsvValue[][];
}

/**
 * Usage history and other operational data (every table of the schema that is not
 * configuration), read and written as PostgreSQL's own text form of each value, so a
 * round trip is exact whatever the column types are.
 */
export async function operationalColumns(manager: EntityManager): Promise<Map<string, Column[]>> {
  const rows = await manager.query<Array<{ table: string; name: string; type: string; sequence: string | null }>>(
    `SELECT c.relname AS "table", a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
            pg_get_serial_sequence(quote_ident(c.relname), a.attname) AS sequence
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid
      WHERE n.nspname = current_schema() AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
      ORDER BY c.relname, a.attnum`,
  );
  const tables = new Map<string, Column[]>();
  for (const row of rows) {
    if (NOT_OPERATIONAL.has(row.table)) continue;
    const columns = tables.get(row.table) ?? [];
    columns.push({ name: row.name, type: row.type, sequence: row.sequence });
    tables.set(row.table, columns);
  }
  return tables;
}

export async function dumpOperationalTables(manager: EntityManager): Promise<TableDump[]> {
  const dumps: TableDump[] = [];
  for (const [table, columns] of await operationalColumns(manager)) {
    const select = columns.map((column) => `${ident(column.name)}::text AS ${ident(column.name)}`).join(', ');
    const rows = await manager.query<Array<Record<string, string | null>>>(`SELECT ${select} FROM ${ident(table)}`);
    dumps.push({
      table,
      columns: columns.map((column) => column.name),
      rows: rows.map((row) => columns.map((column) => row[column.name] ?? null)),
    });
  }
  return dumps;
}

/** Problems that would make a restore fail: tables or columns this database does not have. */
export function checkDumps(dumps: TableDump[], schema: Map<string, Column[]>): string[] {
  const problems: string[] = [];
  for (const dump of dumps) {
    const columns = schema.get(dump.table);
    if (!columns) {
      problems.push(`table ${dump.table} does not exist here`);
      continue;
    }
    const known = new Set(columns.map((column) => column.name));
    const unknown = dump.columns.filter((column) => !known.has(column));
    if (unknown.length > 0) problems.push(`${dump.table}: unknown columns ${unknown.join(', ')}`);
    if (dump.rows.some((row) => row.length !== dump.columns.length))
      problems.push(`${dump.table}: a row does not have ${dump.columns.length} values`);
  }
  return problems;
}

/** Replaces each dumped table's rows inside the caller's transaction; sequences continue after the restored ids. */
export async function restoreOperationalTables(
  manager: EntityManager,
  dumps: TableDump[],
  schema: Map<string, Column[]>,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const dump of dumps) {
    const columns = schema.get(dump.table) ?? [];
    const types = new Map(columns.map((column) => [column.name, column.type]));
    await manager.query(`DELETE FROM ${ident(dump.table)}`);
    const perChunk = Math.max(1, Math.floor(CHUNK_PARAMETERS / Math.max(1, dump.columns.length)));
    for (let start = 0; start < dump.rows.length; start += perChunk) {
      const chunk = dump.rows.slice(start, start + perChunk);
      const parameters: CsvValue[] = [];
      const values = chunk.map((row) => {
        const placeholders = row.map((value, index) => {
          parameters.push(value);
          return `$${parameters.length}::${types.get(dump.columns[index] ?? '') ?? 'text'}`;
        });
        return `(${placeholders.join(', ')})`;
      });
      await manager.query(
        `INSERT INTO ${ident(dump.table)} (${dump.columns.map(ident).join(', ')}) VALUES ${values.join(', ')}`,
        parameters,
      );
    }
    for (const column of columns) {
      if (!column.sequence) continue;
      await manager.query(
        `SELECT setval($1, COALESCE((SELECT max(${ident(column.name)}) FROM ${ident(dump.table)}), 0) + 1, false)`,
        [column.sequence],
      );
    }
    counts[dump.table] = dump.rows.length;
  }
  return counts;
}

function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
