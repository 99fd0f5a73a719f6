import type { MeterSnapshotRecord } from '@plexus/persistence';
import type { Meter, MeterKind, MeterStatus, PeriodCycle, PeriodUnit } from './meter';

/** One run of a checker. */
export interface CheckResult {
  checkerId: string;
  checkerType: string;
  provider: string;
  checkedAt: Date;
  success: boolean;
  error?: string;
  meters: Meter[];
}

/** Sentinel meter keys: a failed check, and one that reported no meter. */
export const ERROR_KEY = '_error';
export const EMPTY_KEY = '_empty';

function sentinel(result: CheckResult, meterKey: string): MeterSnapshotRecord {
  return {
    checkerId: result.checkerId,
    checkerType: result.checkerType,
    provider: result.provider,
    meterKey,
    kind: 'balance',
    unit: '',
    label: meterKey === ERROR_KEY ? 'Check failed' : 'No meters reported',
    group: null,
    scope: null,
    limit: null,
    used: null,
    remaining: null,
    utilizationState: 'unknown',
    utilizationPercent: null,
    status: 'ok',
    periodValue: null,
    periodUnit: null,
    periodCycle: null,
    resetsAt: null,
    success: result.success,
    errorMessage: result.error ?? null,
    checkedAt: result.checkedAt,
  };
}

/** The rows a check leaves in `meter_snapshots`: one per meter, or one sentinel. */
export function snapshotRows(result: CheckResult): MeterSnapshotRecord[] {
  if (!result.success) return [sentinel(result, ERROR_KEY)];
  if (result.meters.length === 0) return [sentinel(result, EMPTY_KEY)];
  return result.meters.map((meter) => ({
    checkerId: result.checkerId,
    checkerType: result.checkerType,
    provider: result.provider,
    meterKey: meter.key,
    kind: meter.kind,
    unit: meter.unit,
    label: meter.label,
    group: meter.group ?? null,
    scope: meter.scope ?? null,
    limit: meter.limit ?? null,
    used: meter.used ?? null,
    remaining: meter.remaining ?? null,
    utilizationState: typeof meter.utilizationPercent === 'number' ? 'reported' : meter.utilizationPercent,
    utilizationPercent: typeof meter.utilizationPercent === 'number' ? meter.utilizationPercent : null,
    status: meter.status,
    periodValue: meter.periodValue ?? null,
    periodUnit: meter.periodUnit ?? null,
    periodCycle: meter.periodCycle ?? null,
    resetsAt: meter.resetsAt ? new Date(meter.resetsAt) : null,
    success: true,
    errorMessage: null,
    checkedAt: result.checkedAt,
  }));
}

/** A stored row as the Meter the API shows. */
export function meterOf(row: MeterSnapshotRecord): Meter {
  return {
    key: row.meterKey,
    label: row.label,
    ...(row.group !== null && { group: row.group }),
    ...(row.scope !== null && { scope: row.scope }),
    kind: row.kind as MeterKind,
    unit: row.unit,
    limit: row.limit,
    used: row.used,
    remaining: row.remaining,
    utilizationPercent:
      row.utilizationState === 'reported' && row.utilizationPercent !== null
        ? row.utilizationPercent
        : row.utilizationState === 'not_applicable'
          ? 'not_applicable'
          : 'unknown',
    status: row.status as MeterStatus,
    periodValue: row.periodValue,
    periodUnit: row.periodUnit as PeriodUnit | null,
    periodCycle: row.periodCycle as PeriodCycle | null,
    resetsAt: row.resetsAt ? row.resetsAt.toISOString() : null,
  };
}

/** The check a set of rows (all of one checker, one `checked_at`) records. */
export function resultOf(rows: readonly MeterSnapshotRecord[]): CheckResult | null {
  const first = rows[0];
  if (!first) return null;
  const failed = rows.find((row) => row.meterKey === ERROR_KEY);
  return {
    checkerId: first.checkerId,
    checkerType: first.checkerType,
    provider: first.provider,
    checkedAt: first.checkedAt,
    success: !failed,
    ...(failed?.errorMessage ? { error: failed.errorMessage } : {}),
    meters: rows.filter((row) => row.meterKey !== ERROR_KEY && row.meterKey !== EMPTY_KEY).map(meterOf),
  };
}
