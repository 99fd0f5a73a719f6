import type { QuotaLimitType, QuotaWindowType } from '@plexus/persistence';
export const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
/** Only for a stored rolling definition without a duration, which validation never lets through. */
const DEFAULT_ROLLING_MS = 3_600_000;

/** A quota definition as the ledger applies it (the parsed UserQuotaDefinition). */
export interface QuotaDefinition {
  name: string;
  type: QuotaWindowType;
  limitType: QuotaLimitType;
  limit: number;
  /** Rolling window length in ms; null for calendar windows. */
  durationMs: number | null;
  /** The duration as written (`2h30m`), for display. */
  duration: string | null;
  shared: boolean;
  warnAt: number | null;
}

/**
 * Where a quota's usage lives at an instant: a leaky bucket (rolling quotas: usage drains
 * continuously at `limit / durationMs` per ms), or the calendar window [start, end) in UTC.
 */
export type QuotaWindow = { kind: 'leak'; durationMs: number } | { kind: 'calendar'; start: number; end: number };

/** The UTC calendar window holding `now`: days start at 00:00 UTC, weeks on Monday, months on the 1st. */
export function calendarWindow(type: Exclude<QuotaWindowType, 'rolling'>, now: number): { start: number; end: number } {
  const date = new Date(now);
  const midnight = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  switch (type) {
    case 'daily':
      return { start: midnight, end: midnight + DAY_MS };
    case 'weekly': {
      const sinceMonday = (date.getUTCDay() + 6) % 7;
      const start = midnight - sinceMonday * DAY_MS;
      return { start, end: start + WEEK_MS };
    }
    case 'monthly':
      return {
        start: Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1),
        end: Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1),
      };
  }
}

export function windowOf(definition: QuotaDefinition, now: number): QuotaWindow {
  if (definition.type === 'rolling') return { kind: 'leak', durationMs: definition.durationMs ?? DEFAULT_ROLLING_MS };
  return { kind: 'calendar', ...calendarWindow(definition.type, now) };
}

/** What one request must fit under the limit: a whole request for request quotas, nothing more for tokens and cost. */
export function admissionUnit(limitType: QuotaLimitType): number {
  return limitType === 'requests' ? 1 : 0;
}

/**
 * The bucket is full: a request quota has no room for one more whole request; a token or
 * cost quota is at or over its limit. (Token and cost requests are admitted while usage
 * is under the limit and reserve their estimate, so concurrent requests at the edge
 * overshoot by at most one estimate.)
 */
export function isExhausted(usage: number, limit: number, unit: number): boolean {
  return unit > 0 ? usage + unit > limit : usage >= limit;
}

/** A leaky bucket's content at `now`: what was stored at `updatedAt`, drained at limit/duration. */
export function leak(usage: number, updatedAt: number, now: number, limit: number, durationMs: number): number {
  const elapsed = Math.max(0, now - updatedAt);
  return Math.max(0, usage - (elapsed * limit) / durationMs);
}

/** The stored state of one bucket. */
export interface BucketState {
  usage: number;
  updatedAt: number;
  /** Start of the calendar window the usage counts in; null for a leaky bucket. */
  windowStart: number | null;
  limitType: string;
}

/** A bucket's usage at `now` under its window: drained, or zero once its calendar window (or limit type) changed. */
export function currentUsage(
  state: BucketState | undefined,
  params: { limitType: string; limit: number; window: QuotaWindow; now: number },
): number {
  if (!state || state.limitType !== params.limitType) return 0;
  const { window } = params;
  if (window.kind === 'leak') return leak(state.usage, state.updatedAt, params.now, params.limit, window.durationMs);
  return state.windowStart === window.start ? state.usage : 0;
}

/** When the usage is gone: the calendar window's end, or when the leaky bucket has drained empty. */
export function resetsAt(usage: number, limit: number, window: QuotaWindow, now: number): number {
  if (window.kind === 'calendar') return window.end;
  return now + Math.ceil((Math.max(0, usage) * window.durationMs) / limit);
}

/**
 * Milliseconds until an exhausted bucket admits again: the calendar window's end, or
 * until the leaky bucket has drained below the admission threshold. 0 when it admits now.
 */
export function retryAfterMs(params: {
  usage: number;
  limit: number;
  unit: number;
  window: QuotaWindow;
  now: number;
}): number {
  const { usage, limit, unit, window, now } = params;
  if (!isExhausted(usage, limit, unit)) return 0;
  if (window.kind === 'calendar') return Math.max(0, window.end - now);
  // Must drain to below `limit - unit` (strictly below the limit when unit is 0): one ms past the exact point.
  const excess = usage - (limit - unit);
  return Math.max(1, Math.floor((excess * window.durationMs) / limit) + 1);
}
