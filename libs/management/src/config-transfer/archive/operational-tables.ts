import type { EntityManager } from 'typeorm';

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

export interface Column {
  name: string;
  /** As `format_type` spells it, so it can be cast to. */
  type: string;
  sequence: string | null;
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

export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
