/** One quota dimension a checker reports: a prepaid balance or a windowed allowance. */
export type MeterKind = 'balance' | 'allowance';
export type MeterStatus = 'ok' | 'warning' | 'critical' | 'exhausted';
export type PeriodUnit = 'minute' | 'hour' | 'day' | 'week' | 'month';
export type PeriodCycle = 'fixed' | 'rolling';
/** A percentage, or why there is none. */
export type Utilization = number | 'unknown' | 'not_applicable';

export interface Meter {
  key: string;
  label: string;
  group?: string;
  scope?: string;
  kind: MeterKind;
  unit: string;
  limit?: number | null;
  used?: number | null;
  remaining?: number | null;
  utilizationPercent: Utilization;
  status: MeterStatus;
  periodValue?: number | null;
  periodUnit?: PeriodUnit | null;
  periodCycle?: PeriodCycle | null;
  /** ISO-8601. */
  resetsAt?: string | null;
  exhaustionThreshold?: number | null;
}

/** What a checker knows; utilisation and status are derived the same way for all. */
export interface MeterReading {
  key: string;
  label: string;
  unit: string;
  group?: string;
  scope?: string;
  limit?: number;
  used?: number;
  remaining?: number;
  /** When the upstream reports a percentage itself. */
  utilizationPercent?: number;
  periodValue?: number;
  periodUnit?: PeriodUnit;
  periodCycle?: PeriodCycle;
  resetsAt?: Date;
}

/** ≥100 exhausted, ≥90 critical, ≥75 warning (the reference's thresholds). */
export function statusOf(percent: number): MeterStatus {
  if (percent >= 100) return 'exhausted';
  if (percent >= 90) return 'critical';
  if (percent >= 75) return 'warning';
  return 'ok';
}

function finite(value: number | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function round(percent: number): number {
  return Math.round(percent * 100) / 100;
}

function utilizationOf(reading: MeterReading): number | null {
  if (finite(reading.utilizationPercent)) return reading.utilizationPercent;
  const { limit, used, remaining } = reading;
  if (!finite(limit) || limit <= 0) return null;
  if (finite(used)) return (used / limit) * 100;
  if (finite(remaining)) return ((limit - remaining) / limit) * 100;
  return null;
}

function base(reading: MeterReading): Omit<Meter, 'kind' | 'utilizationPercent' | 'status'> {
  const { limit, used, remaining } = reading;
  return {
    key: reading.key,
    label: reading.label,
    unit: reading.unit,
    ...(reading.group !== undefined && { group: reading.group }),
    ...(reading.scope !== undefined && { scope: reading.scope }),
    limit: finite(limit) ? limit : null,
    used: finite(used) ? used : finite(limit) && finite(remaining) ? limit - remaining : null,
    remaining: finite(remaining) ? remaining : finite(limit) && finite(used) ? limit - used : null,
  };
}

/** A prepaid balance: exhausted once nothing (or nothing readable) remains. */
export function balanceMeter(reading: MeterReading): Meter {
  const percent = utilizationOf(reading);
  const meter = base(reading);
  const empty = meter.remaining !== null && meter.remaining !== undefined ? meter.remaining <= 0 : percent === null;
  return {
    ...meter,
    kind: 'balance',
    utilizationPercent: percent === null ? 'not_applicable' : round(percent),
    status: empty ? 'exhausted' : percent === null ? 'ok' : statusOf(percent),
    periodValue: null,
    periodUnit: null,
    periodCycle: null,
    resetsAt: reading.resetsAt ? reading.resetsAt.toISOString() : null,
  };
}

/** A windowed allowance (requests, tokens or a percentage per period). */
export function allowanceMeter(reading: MeterReading): Meter {
  const percent = utilizationOf(reading);
  return {
    ...base(reading),
    kind: 'allowance',
    utilizationPercent: percent === null ? 'unknown' : round(percent),
    status: percent === null ? 'ok' : statusOf(percent),
    periodValue: reading.periodValue ?? null,
    periodUnit: reading.periodUnit ?? null,
    periodCycle: reading.periodCycle ?? null,
    resetsAt: reading.resetsAt && !Number.isNaN(reading.resetsAt.getTime()) ? reading.resetsAt.toISOString() : null,
  };
}
