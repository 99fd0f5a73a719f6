import { readonly, required, validate, type SchemaPathTree } from '@angular/forms/signals';
import type { QuotaStatusEntryDto } from '../api/models/quota-status-entry-dto';
import type { UserQuotaDefinitionDto } from '../api/models/user-quota-definition-dto';
import type { UserQuotaDefinitionViewDto } from '../api/models/user-quota-definition-view-dto';
import { formatCount, formatUsd } from '../shared/format';
import type { MeterTone } from '../shared/meter';

export type QuotaWindow = UserQuotaDefinitionDto['type'];
export type QuotaLimitType = UserQuotaDefinitionDto['limitType'];

export const QUOTA_WINDOWS: readonly { value: QuotaWindow; label: string }[] = [
  { value: 'rolling', label: 'Rolling window' },
  { value: 'daily', label: 'Daily (resets 00:00 UTC)' },
  { value: 'weekly', label: 'Weekly (resets Monday 00:00 UTC)' },
  { value: 'monthly', label: 'Monthly (resets on the 1st, UTC)' },
];

export const QUOTA_LIMIT_TYPES: readonly { value: QuotaLimitType; label: string }[] = [
  { value: 'requests', label: 'Requests' },
  { value: 'tokens', label: 'Tokens' },
  { value: 'cost', label: 'Cost (USD)' },
];

export interface QuotaView extends UserQuotaDefinitionViewDto {
  readonly name: string;
}

export function quotaViewsOf(list: Record<string, UserQuotaDefinitionViewDto>): QuotaView[] {
  return Object.entries(list)
    .map(([name, quota]) => ({ name, ...quota }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** An amount in the quota's unit. */
export function formatQuotaAmount(value: number, limitType: QuotaLimitType): string {
  if (limitType === 'cost') return formatUsd(value);
  return formatCount(value);
}

/** "1,000 requests per 1h rolling", "$5.00 cost per day". */
export function describeQuota(
  quota: Pick<UserQuotaDefinitionViewDto, 'type' | 'limitType' | 'limit' | 'duration'>,
): string {
  const amount = formatQuotaAmount(quota.limit, quota.limitType);
  const unit = quota.limitType === 'cost' ? '' : ` ${quota.limitType}`;
  const window =
    quota.type === 'rolling'
      ? `per ${quota.duration ?? '?'} (rolling)`
      : { daily: 'per day', weekly: 'per week', monthly: 'per month' }[quota.type];
  return `${amount}${unit} ${window}`;
}

export interface QuotaMeter {
  readonly name: string;
  /** Used share of the limit, 0–100 (capped) for the bar. */
  readonly percent: number;
  readonly tone: MeterTone;
  /** "120 / 1,000 requests". */
  readonly label: string;
  readonly resetsAt: string;
  readonly description: string;
  /** Whether its usage can be rebuilt from the request log (not rolling request or token windows). */
  readonly recomputable: boolean;
}

export function quotaMeterOf(entry: QuotaStatusEntryDto): QuotaMeter {
  const share = entry.limit > 0 ? entry.currentUsage / entry.limit : entry.currentUsage > 0 ? 1 : 0;
  const warnAt = entry.warnAt ?? 0.8;
  const tone: MeterTone = !entry.allowed || share >= 1 ? 'over' : share >= warnAt ? 'warn' : 'ok';
  const unit = entry.limitType === 'cost' ? '' : ` ${entry.limitType}`;
  return {
    name: entry.name,
    percent: Math.max(0, Math.min(100, Math.round(share * 1000) / 10)),
    tone,
    label: `${formatQuotaAmount(entry.currentUsage, entry.limitType)} / ${formatQuotaAmount(entry.limit, entry.limitType)}${unit}`,
    resetsAt: entry.resetsAt,
    description: describeQuota({
      type: entry.type,
      limitType: entry.limitType,
      limit: entry.limit,
      duration: entry.duration ?? undefined,
    }),
    recomputable: entry.type !== 'rolling' || entry.limitType === 'cost',
  };
}

export interface QuotaFormModel {
  name: string;
  type: QuotaWindow;
  limitType: QuotaLimitType;
  limit: string;
  duration: string;
  warnAtPercent: string;
  shared: boolean;
}

export function emptyQuotaForm(): QuotaFormModel {
  return {
    name: '',
    type: 'daily',
    limitType: 'requests',
    limit: '',
    duration: '1h',
    warnAtPercent: '',
    shared: false,
  };
}

export function quotaFormOf(quota: QuotaView): QuotaFormModel {
  return {
    name: quota.name,
    type: quota.type,
    limitType: quota.limitType,
    limit: String(quota.limit),
    duration: quota.duration ?? '1h',
    warnAtPercent: quota.warnAt === undefined ? '' : String(Math.round(quota.warnAt * 1000) / 10),
    shared: quota.shared ?? false,
  };
}

/** The API's body: warnAt as a share (0–1), duration only for a rolling window. */
export function quotaPayload(model: QuotaFormModel): UserQuotaDefinitionDto {
  const warn = model.warnAtPercent.trim();
  return {
    type: model.type,
    limitType: model.limitType,
    limit: Number(model.limit.trim()),
    ...(model.type === 'rolling' && { duration: model.duration.trim() }),
    ...(warn !== '' && { warnAt: Number(warn) / 100 }),
    shared: model.shared,
  };
}

/** The server's duration syntax: units d, h, m, s in that order (30s, 5m, 1h, 2h30m, 1d). */
export const DURATION_PATTERN = /^(?=\d)(\d+d)?(\d+h)?(\d+m)?(\d+s)?$/;
/** The server's rule: lower case letters, digits, '-' and '_', 2–63 characters. */
export const QUOTA_NAME_PATTERN = /^[a-z0-9][a-z0-9-_]{1,62}$/;

export function limitProblem(text: string, limitType: QuotaLimitType): string | null {
  const value = text.trim();
  if (value === '') return 'Enter the limit';
  if (limitType === 'cost') {
    if (!/^\d+(\.\d+)?$/.test(value)) return 'Enter an amount in USD, e.g. 5 or 2.50';
    return Number(value) > 0 ? null : 'Must be more than 0';
  }
  if (!/^\d+$/.test(value)) return `Enter a whole number of ${limitType}`;
  return Number(value) >= 1 ? null : 'At least 1';
}

export function quotaSchema(options: { creating: () => boolean; taken: () => ReadonlySet<string> }) {
  return (path: SchemaPathTree<QuotaFormModel>): void => {
    required(path.name, { message: 'Name the quota' });
    readonly(path.name, { when: () => !options.creating() });
    validate(path.name, ({ value }) => {
      const name = value();
      if (name === '') return null;
      if (!QUOTA_NAME_PATTERN.test(name))
        return { kind: 'pattern', message: "2–63 lower case letters, digits, '-' or '_'" };
      if (options.creating() && options.taken().has(name))
        return { kind: 'taken', message: `A quota named '${name}' already exists` };
      return null;
    });
    validate(path.limit, ({ value, valueOf }) => {
      const problem = limitProblem(value(), valueOf(path.limitType));
      return problem ? { kind: 'limit', message: problem } : null;
    });
    validate(path.duration, ({ value, valueOf }) => {
      if (valueOf(path.type) !== 'rolling') return null;
      const duration = value().trim();
      if (duration === '') return { kind: 'required', message: 'A rolling quota needs its window' };
      return DURATION_PATTERN.test(duration) ? null : { kind: 'pattern', message: 'Like 30s, 5m, 1h, 2h30m or 1d' };
    });
    validate(path.warnAtPercent, ({ value }) => {
      const text = value().trim();
      if (text === '') return null;
      const n = Number(text);
      return /^\d+(\.\d+)?$/.test(text) && n > 0 && n < 100
        ? null
        : { kind: 'range', message: 'A percentage above 0 and below 100' };
    });
  };
}
