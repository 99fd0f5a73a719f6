import type { MeterDto } from '../api/models/meter-dto';
import type { QuotaCheckerSnapshotDto } from '../api/models/quota-checker-snapshot-dto';
import { formatCount, formatUsd } from '../shared/format';
import type { MeterTone } from '../shared/meter';

export interface ProviderMeterView {
  readonly checkerId: string;
  readonly name: string;
  /** 0–100 for the bar. */
  readonly percent: number;
  readonly tone: MeterTone;
  /** "42%", "$3.20 left", "unknown". */
  readonly label: string;
  readonly detail: string;
}

export interface ProviderQuotaView {
  readonly checkerId: string;
  readonly meters: ProviderMeterView[];
  /** Why the last check failed. */
  readonly error: string | null;
  readonly checkedAt: string | null;
}

const TONES: Readonly<Record<MeterDto['status'], MeterTone>> = {
  ok: 'ok',
  warning: 'warn',
  critical: 'over',
  exhausted: 'over',
};

function amount(value: number, unit: string): string {
  return unit === 'usd' ? formatUsd(value) : `${formatCount(value)}${unit === '' ? '' : ` ${unit}`}`;
}

export function providerMeterOf(checkerId: string, meter: MeterDto): ProviderMeterView {
  const utilization = typeof meter.utilizationPercent === 'number' ? meter.utilizationPercent : null;
  let label: string;
  if (utilization !== null) label = `${Math.round(utilization)}% used`;
  else if (meter.remaining !== null && meter.remaining !== undefined)
    label = `${amount(meter.remaining, meter.unit)} left`;
  else label = meter.utilizationPercent === 'not_applicable' ? '—' : 'unknown';
  const resets = meter.resetsAt ? `resets ${new Date(meter.resetsAt).toLocaleString()}` : '';
  const used =
    meter.used !== null && meter.used !== undefined && meter.limit
      ? `${amount(meter.used, meter.unit)} of ${amount(meter.limit, meter.unit)}`
      : '';
  return {
    checkerId,
    name: meter.label,
    percent: utilization === null ? 0 : Math.max(0, Math.min(100, utilization)),
    tone: TONES[meter.status],
    label,
    detail: [used, resets].filter((part) => part !== '').join(' · '),
  };
}

/** Each provider's quota checkers with their meters (a provider may have several checkers, e.g. one per OAuth account). */
export function providerQuotasOf(
  snapshots: readonly QuotaCheckerSnapshotDto[],
): ReadonlyMap<string, ProviderQuotaView[]> {
  const byProvider = new Map<string, ProviderQuotaView[]>();
  for (const snapshot of snapshots) {
    const views = byProvider.get(snapshot.provider) ?? [];
    views.push({
      checkerId: snapshot.checkerId,
      meters: snapshot.meters.map((meter) => providerMeterOf(snapshot.checkerId, meter)),
      error: snapshot.success ? null : (snapshot.error ?? 'The last check failed'),
      checkedAt: snapshot.checkedAt ?? null,
    });
    byProvider.set(snapshot.provider, views);
  }
  return byProvider;
}
