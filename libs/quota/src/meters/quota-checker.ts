import type { Meter } from './meter';

/** What one run of a checker gets: its options and the credential to call the upstream with. */
export interface CheckerContext {
  /** `quota_checker.options` of the provider (`endpoint` overrides the upstream URL). */
  readonly options: Readonly<Record<string, unknown>>;
  /** `options.apiKey`, else the provider's stored (decrypted) API key; never logged. */
  readonly apiKey: string | null;
  /** Aborts the upstream call when the check times out. */
  readonly signal: AbortSignal;
}

/**
 * Reads one upstream's balance or rate-limit windows and reports them as meters.
 * One class per provider type; a failure is thrown and recorded by the scheduler.
 */
export interface QuotaChecker {
  readonly type: string;
  readonly displayName: string;
  check(context: CheckerContext): Promise<Meter[]>;
}

/** A failed check, with a message safe to store and show (no secrets, short body excerpt). */
export class CheckerError extends Error {
  override readonly name = 'CheckerError';
}
