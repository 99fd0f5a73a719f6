import { Injectable } from '@nestjs/common';
import type { CheckResult } from './check-result';
import type { CheckerConfig } from './checker-config';
import type { Meter } from './meter';

/** A configured checker and what it last saw. */
export interface CheckerState {
  config: CheckerConfig;
  result: CheckResult | null;
  /** When the scheduler runs it next (epoch ms). */
  nextCheckAt: number;
}

/** How much quota a provider has left, for the `quota` selector. */
export interface QuotaHeadroom {
  /** `expiring`: some meter resets at a known time; `balance`: none does. */
  category: 'expiring' | 'balance';
  /** Higher is more to spend (per hour until reset, for expiring meters). */
  score: number;
}

/** A block with no reset time lasts until a check finds the provider healthy; it is re-read this often. */
const INDEFINITE_RETRY_MS = 1000;
const MIN_HOURS = 1 / 60;

/** The utilisation (percent) of a meter as routing judges it; null when unknowable. */
export function utilizationOf(meter: Meter): number | null {
  if (meter.status === 'exhausted') return 100;
  if (typeof meter.remaining === 'number' && meter.remaining <= 0) return 100;
  if (typeof meter.utilizationPercent === 'number') return meter.utilizationPercent;
  if (typeof meter.limit === 'number' && meter.limit > 0 && typeof meter.used === 'number')
    return (meter.used / meter.limit) * 100;
  return null;
}

function resetOf(meter: Meter): number | null {
  if (!meter.resetsAt) return null;
  const at = Date.parse(meter.resetsAt);
  return Number.isNaN(at) ? null : at;
}

/**
 * The latest reading of every configured provider quota checker, and what routing makes
 * of it: which providers are over their quota (and until when), and how much headroom
 * each has. Read without I/O on every request.
 */
@Injectable()
export class MeterState {
  private readonly checkers = new Map<string, CheckerState>();

  register(config: CheckerConfig, nextCheckAt: number, result: CheckResult | null = null): void {
    const previous = this.checkers.get(config.checkerId);
    this.checkers.set(config.checkerId, { config, result: result ?? previous?.result ?? null, nextCheckAt });
  }

  unregister(checkerId: string): void {
    this.checkers.delete(checkerId);
  }

  record(result: CheckResult, nextCheckAt: number): void {
    const state = this.checkers.get(result.checkerId);
    if (state) this.checkers.set(result.checkerId, { ...state, result, nextCheckAt });
  }

  get(checkerId: string): CheckerState | undefined {
    return this.checkers.get(checkerId);
  }

  all(): CheckerState[] {
    return [...this.checkers.values()].sort((a, b) => a.config.checkerId.localeCompare(b.config.checkerId));
  }

  /**
   * Until when (epoch ms) the provider is over a checker's `maxUtilizationPercent`, or
   * null. A meter with a future reset blocks until it; one without a reset (a spent
   * balance) blocks until a later check finds it healthy.
   */
  exhaustedUntil(provider: string, now: number): number | null {
    let until: number | null = null;
    for (const state of this.checkers.values()) {
      if (state.config.provider !== provider || !state.result?.success) continue;
      for (const meter of state.result.meters) {
        const utilization = utilizationOf(meter);
        if (utilization === null || utilization < state.config.maxUtilizationPercent) continue;
        const reset = resetOf(meter);
        if (reset !== null && reset <= now) continue;
        const blockedUntil = reset ?? Math.max(state.nextCheckAt, now + INDEFINITE_RETRY_MS);
        until = until === null ? blockedUntil : Math.max(until, blockedUntil);
      }
    }
    return until;
  }

  /**
   * The reference's burn-down score: per meter `(100 - utilisation) / 100`, divided by
   * the hours left before a known reset (so quota that expires soonest is spent first);
   * the provider's score is its weakest meter's. Readings older than two intervals, and
   * windows that have already reset, are ignored.
   */
  headroom(provider: string, now: number): QuotaHeadroom | null {
    let score: number | null = null;
    let expiring = false;
    for (const state of this.checkers.values()) {
      const result = state.result;
      if (state.config.provider !== provider || !result?.success) continue;
      if (now - result.checkedAt.getTime() > 2 * state.config.intervalMs) continue;
      for (const meter of result.meters) {
        const utilization = utilizationOf(meter);
        if (utilization === null) continue;
        const left = (100 - Math.min(utilization, 100)) / 100;
        const reset = resetOf(meter);
        let meterScore: number;
        if (reset === null) {
          meterScore = left;
        } else {
          if (reset <= now) continue;
          meterScore = left / Math.max((reset - now) / 3_600_000, MIN_HOURS);
          expiring = true;
        }
        score = score === null ? meterScore : Math.min(score, meterScore);
      }
    }
    return score === null ? null : { category: expiring ? 'expiring' : 'balance', score };
  }
}
