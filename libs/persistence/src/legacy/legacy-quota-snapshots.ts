import type { DataSource } from 'typeorm';

/** What copying the legacy `quota_snapshots` table did. */
export interface LegacySnapshotCopy {
  tableExists: boolean;
  /** Rows in `quota_snapshots`. */
  source: number;
  /** Rows added to `meter_snapshots`; the rest were there already. */
  inserted: number;
}

interface LegacyRow {
  provider: string;
  checker_id: string;
  group_id: string | null;
  window_type: string | null;
  description: string | null;
  checked_at: unknown;
  limit: unknown;
  used: unknown;
  remaining: unknown;
  utilization_percent: unknown;
  unit: string | null;
  resets_at: unknown;
  status: string | null;
  success: unknown;
  error_message: string | null;
  created_at: unknown;
}

interface Period {
  kind: 'balance' | 'allowance';
  value: number | null;
  unit: string | null;
  cycle: string | null;
}

const BATCH = 500;
const STATUSES = new Set(['ok', 'warning', 'critical', 'exhausted']);
const COLUMNS = [
  'checker_id',
  'checker_type',
  'provider',
  'meter_key',
  'kind',
  'unit',
  'label',
  '"group"',
  'scope',
  '"limit"',
  'used',
  'remaining',
  'utilization_state',
  'utilization_percent',
  'status',
  'period_value',
  'period_unit',
  'period_cycle',
  'resets_at',
  'success',
  'error_message',
  'checked_at',
  'created_at',
];

/** The legacy window type as a meter kind and period (daily -> allowance per day, balance -> balance...). */
export function periodOfWindowType(windowType: string): Period {
  const allowance = (value: number, unit: string, cycle: string): Period => ({ kind: 'allowance', value, unit, cycle });
  switch (windowType.trim().toLowerCase()) {
    case 'balance':
    case 'credits':
    case 'wallet':
      return { kind: 'balance', value: null, unit: null, cycle: null };
    case 'hourly':
    case 'hour':
      return allowance(1, 'hour', 'rolling');
    case 'five_hour':
      return allowance(5, 'hour', 'rolling');
    case 'daily':
    case 'day':
      return allowance(1, 'day', 'fixed');
    case 'weekly':
    case 'week':
      return allowance(1, 'week', 'fixed');
    case 'monthly':
    case 'month':
      return allowance(1, 'month', 'fixed');
    default:
      return { kind: 'allowance', value: null, unit: null, cycle: null };
  }
}

/** Legacy timestamps were epoch milliseconds on some dialects and timestamps on others. */
function instant(value: unknown): Date | null {
  if (value === null || value === undefined || value === '') return null;
  if (value instanceof Date) return value;
  if (typeof value === 'number' || (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value)))
    return new Date(Number(value));
  if (typeof value !== 'string') return null;
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? null : parsed;
}

function numberOrNull(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : null;
}

function truthy(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 't' || value === 'true';
}

function toValues(row: LegacyRow): unknown[] {
  const windowType = row.window_type ?? 'unknown';
  const period = periodOfWindowType(windowType);
  const percent = numberOrNull(row.utilization_percent);
  const status = row.status?.toLowerCase() ?? 'ok';
  const checkedAt = instant(row.checked_at) ?? new Date(0);
  return [
    row.checker_id,
    'unknown',
    row.provider,
    windowType,
    period.kind,
    row.unit ?? '',
    row.description ?? windowType,
    row.group_id,
    null,
    numberOrNull(row.limit),
    numberOrNull(row.used),
    numberOrNull(row.remaining),
    percent === null ? 'unknown' : 'reported',
    percent,
    STATUSES.has(status) ? status : 'ok',
    period.value,
    period.unit,
    period.cycle,
    instant(row.resets_at),
    truthy(row.success),
    row.error_message,
    checkedAt,
    instant(row.created_at) ?? checkedAt,
  ];
}

/**
 * Copies the legacy `quota_snapshots` rows into `meter_snapshots` with the reference's
 * field mapping. Idempotent: a reading already present (same checker, meter key and
 * check time) is left alone, so running it twice adds nothing.
 */
export async function copyLegacyQuotaSnapshots(dataSource: DataSource): Promise<LegacySnapshotCopy> {
  const [found] = await dataSource.query<Array<{ present: boolean }>>(
    `SELECT to_regclass('quota_snapshots') IS NOT NULL AS present`,
  );
  if (!found?.present) return { tableExists: false, source: 0, inserted: 0 };
  const rows = await dataSource.query<LegacyRow[]>(
    `SELECT provider, checker_id, group_id, window_type, description, checked_at, "limit", used, remaining,
            utilization_percent, unit, resets_at, status, success, error_message, created_at
       FROM quota_snapshots ORDER BY id`,
  );
  let inserted = 0;
  await dataSource.transaction(async (manager) => {
    for (let start = 0; start < rows.length; start += BATCH) {
      const batch = rows.slice(start, start + BATCH);
      const parameters: unknown[] = [];
      const tuples = batch.map((row) => {
        const values = toValues(row);
        const placeholders = values.map((value) => `$${parameters.push(value)}`);
        return `(${placeholders.join(', ')})`;
      });
      const result = await manager.query<unknown[]>(
        `INSERT INTO meter_snapshots (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}
         ON CONFLICT (checker_id, meter_key, checked_at) DO NOTHING RETURNING id`,
        parameters,
      );
      inserted += result.length;
    }
  });
  return { tableExists: true, source: rows.length, inserted };
}
