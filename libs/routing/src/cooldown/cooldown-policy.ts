import type { CooldownSettings } from '../routing-settings';

const MINUTE_MS = 60_000;

/**
 * How long after its cooldown ended a target's failure count is remembered: a failure
 * within this window escalates the next cooldown, one after it starts over at 1.
 */
export const FAILURE_MEMORY_MS = 24 * 60 * MINUTE_MS;

/** Phrases that make a 400 a quota/billing failure (which does cool the target down). */
export const QUOTA_PHRASES = [
  'insufficient_quota',
  'credit balance is too low',
  'used up your points',
  'quota exceeded',
  'out of credits',
  'balance too low',
  'insufficient balance',
  'insufficient funds',
  'account balance',
  'quota limit',
  'usage limit',
] as const;

const DEADLINE = /deadline (expired|exceeded)/i;

/** `min(maxMinutes, initialMinutes × 2^(n−1))` for the n-th consecutive failure, in ms. */
export function backoffMs(consecutiveFailures: number, settings: CooldownSettings): number {
  const n = Math.max(1, Math.floor(consecutiveFailures));
  const minutes = Math.min(settings.maxMinutes, settings.initialMinutes * 2 ** (n - 1));
  return Math.round(minutes * MINUTE_MS);
}

/**
 * The cooldown after a failure: the upstream's Retry-After when it sent one (capped at
 * `maxMinutes`), else the exponential backoff.
 */
export function cooldownMs(
  consecutiveFailures: number,
  settings: CooldownSettings,
  retryAfterSeconds?: number,
): number {
  if (retryAfterSeconds !== undefined && Number.isFinite(retryAfterSeconds) && retryAfterSeconds >= 0) {
    return Math.min(Math.round(retryAfterSeconds * 1000), Math.round(settings.maxMinutes * MINUTE_MS));
  }
  return backoffMs(consecutiveFailures, settings);
}

export function hasQuotaPhrase(text: string | undefined): boolean {
  if (!text) return false;
  const lower = text.toLowerCase();
  return QUOTA_PHRASES.some((phrase) => lower.includes(phrase));
}

/**
 * Whether a failed attempt cools its target down. `status` is the upstream HTTP status,
 * or null for a transport failure or timeout (which always count). Never: 413, 422, a
 * 400 without a quota phrase (the request was at fault, not the target), a "deadline
 * expired/exceeded" answer (the client's deadline), or a non-error status.
 */
export function triggersCooldown(status: number | null | undefined, reason?: string): boolean {
  if (reason && DEADLINE.test(reason)) return false;
  if (status === null || status === undefined) return true;
  if (status < 400) return false;
  if (status === 413 || status === 422) return false;
  if (status === 400) return hasQuotaPhrase(reason);
  return true;
}
