import { Injectable } from '@nestjs/common';

/** One finished attempt against a provider model, as the ingress pipeline observed it. */
export interface PerformanceSample {
  provider: string;
  model: string;
  /** Time to the first output token; null when none arrived (e.g. a failure before any byte). */
  ttftMs: number | null;
  /** Total duration of the attempt. */
  durationMs: number;
  outputTokens: number;
  success: boolean;
  /** When it finished (epoch ms); defaults to now. */
  at?: number;
}

export interface TargetPerformance {
  /** Samples held (the most recent, at most SAMPLES_PER_TARGET). */
  samples: number;
  /** Mean time to first token over the samples that have one. */
  avgTtftMs: number | null;
  /** Output tokens per second after the first token, over successful samples that produced tokens. */
  avgTokensPerSec: number | null;
  /** Output tokens per second of total duration, over successful samples that produced tokens. */
  avgE2eTokensPerSec: number | null;
  /** The newest sample's time, or null when there is none. */
  lastUpdated: number | null;
  successes: number;
  failures: number;
  minTtftMs: number | null;
  maxTtftMs: number | null;
}

export interface TargetPerformanceEntry extends TargetPerformance {
  provider: string;
  model: string;
  requestsLast24h: number;
}

/** Samples kept per provider+model: averages follow the recent past, not all time. */
export const SAMPLES_PER_TARGET = 100;
/**
 * Provider+model pairs tracked at most. `direct/<provider>/<model>` lets clients name any
 * model, so the key space is client-controlled; the least recently recorded pair is dropped.
 */
export const MAX_TRACKED_TARGETS = 2000;

const MINUTE_MS = 60_000;
const DAY_MINUTES = 24 * 60;

/** A fixed-size ring of samples stored column-wise (NaN marks a missing TTFT). */
class SampleRing {
  readonly ttftMs = new Float64Array(SAMPLES_PER_TARGET);
  readonly durationMs = new Float64Array(SAMPLES_PER_TARGET);
  readonly outputTokens = new Float64Array(SAMPLES_PER_TARGET);
  readonly success = new Uint8Array(SAMPLES_PER_TARGET);
  size = 0;
  private next = 0;

  push(ttftMs: number | null, durationMs: number, outputTokens: number, success: boolean): void {
    const i = this.next;
    this.ttftMs[i] = ttftMs ?? Number.NaN;
    this.durationMs[i] = durationMs;
    this.outputTokens[i] = outputTokens;
    this.success[i] = success ? 1 : 0;
    this.next = (i + 1) % SAMPLES_PER_TARGET;
    if (this.size < SAMPLES_PER_TARGET) this.size++;
  }
}

/**
 * Requests per minute over the last day, as a queue of (minute, count) in ascending minute
 * order: it holds at most one entry per active minute (≤ 1440), so a quiet target costs
 * almost nothing and a count is O(1440) at worst, whatever the request rate.
 */
class MinuteCounter {
  private readonly minutes: number[] = [];
  private readonly counts: number[] = [];

  add(at: number): void {
    const minute = Math.floor(at / MINUTE_MS);
    const last = this.minutes.length - 1;
    if (last < 0 || minute > this.minutes[last]) {
      this.minutes.push(minute);
      this.counts.push(1);
    } else {
      // Same or an earlier minute (a sample reported late): find or insert its bucket.
      let i = last;
      while (i >= 0 && this.minutes[i] > minute) i--;
      if (i >= 0 && this.minutes[i] === minute) this.counts[i]++;
      else {
        this.minutes.splice(i + 1, 0, minute);
        this.counts.splice(i + 1, 0, 1);
      }
    }
    this.prune(this.minutes[this.minutes.length - 1]);
  }

  /** Requests in the 1440 minutes ending with the one that contains `now`. */
  count(now: number): number {
    const current = Math.floor(now / MINUTE_MS);
    const oldest = current - DAY_MINUTES + 1;
    let total = 0;
    for (let i = this.minutes.length - 1; i >= 0; i--) {
      const minute = this.minutes[i];
      if (minute < oldest) break;
      if (minute <= current) total += this.counts[i];
    }
    return total;
  }

  /** Drops buckets a day older than the newest one. */
  private prune(newest: number): void {
    const oldest = newest - DAY_MINUTES + 1;
    let drop = 0;
    while (drop < this.minutes.length && this.minutes[drop] < oldest) drop++;
    if (drop > 0) {
      this.minutes.splice(0, drop);
      this.counts.splice(0, drop);
    }
  }
}

interface TargetRecord {
  provider: string;
  model: string;
  ring: SampleRing;
  requests: MinuteCounter;
  lastUpdated: number;
}

const EMPTY: TargetPerformance = {
  samples: 0,
  avgTtftMs: null,
  avgTokensPerSec: null,
  avgE2eTokensPerSec: null,
  lastUpdated: null,
  successes: 0,
  failures: 0,
  minTtftMs: null,
  maxTtftMs: null,
};

/**
 * Recent performance of each provider model, in memory: the ingress pipeline `record`s every
 * attempt and the stats-driven selectors read it on the request path without any I/O. It
 * restarts empty with the process; the selectors treat "no data" as unknown, never as fast.
 * With REDIS_URL, replicas exchange their samples (PerformanceSampleSharing), so each one's
 * selectors see the whole deployment's traffic.
 */
@Injectable()
export class PerformanceStats {
  private readonly targets = new Map<string, TargetRecord>();
  private readonly listeners = new Set<(sample: PerformanceSample) => void>();

  /** Called with every sample this process records itself (not those `recordShared` adds). */
  onRecorded(listener: (sample: PerformanceSample) => void): void {
    this.listeners.add(listener);
  }

  record(sample: PerformanceSample): void {
    this.recordShared(sample);
    for (const listener of this.listeners) listener(sample);
  }

  /** A sample another replica recorded. */
  recordShared(sample: PerformanceSample): void {
    const at = finiteOr(sample.at, Date.now());
    const key = keyOf(sample.provider, sample.model);
    let target = this.targets.get(key);
    if (target) {
      // Re-insert so the Map's order is least recently recorded first.
      this.targets.delete(key);
    } else {
      target = {
        provider: sample.provider,
        model: sample.model,
        ring: new SampleRing(),
        requests: new MinuteCounter(),
        lastUpdated: at,
      };
      if (this.targets.size >= MAX_TRACKED_TARGETS) {
        const oldest = this.targets.keys().next();
        if (!oldest.done) this.targets.delete(oldest.value);
      }
    }
    this.targets.set(key, target);

    const ttft = sample.ttftMs !== null && Number.isFinite(sample.ttftMs) && sample.ttftMs >= 0 ? sample.ttftMs : null;
    target.ring.push(
      ttft,
      Math.max(0, finiteOr(sample.durationMs, 0)),
      Math.max(0, finiteOr(sample.outputTokens, 0)),
      sample.success,
    );
    target.requests.add(at);
    target.lastUpdated = Math.max(target.lastUpdated, at);
  }

  stats(provider: string, model: string): TargetPerformance {
    const target = this.targets.get(keyOf(provider, model));
    return target ? summarize(target) : { ...EMPTY };
  }

  /** Requests (attempts recorded) to this provider model in the last 24 hours. */
  requestsInLast24h(provider: string, model: string, now: number = Date.now()): number {
    return this.targets.get(keyOf(provider, model))?.requests.count(now) ?? 0;
  }

  /** Forgets one provider model, every model of a provider, or everything. */
  clear(provider?: string, model?: string): number {
    let removed = 0;
    for (const [key, target] of this.targets) {
      if ((provider === undefined || target.provider === provider) && (model === undefined || target.model === model)) {
        this.targets.delete(key);
        removed++;
      }
    }
    return removed;
  }

  /** Every tracked provider model's stats, sorted by provider then model. */
  snapshot(now: number = Date.now()): TargetPerformanceEntry[] {
    return [...this.targets.values()]
      .map((target) => ({
        provider: target.provider,
        model: target.model,
        ...summarize(target),
        requestsLast24h: target.requests.count(now),
      }))
      .sort((a, b) => a.provider.localeCompare(b.provider) || a.model.localeCompare(b.model));
  }
}

/**
 * Throughputs are token-weighted (total tokens over total time) rather than a mean of
 * per-request rates, so one 2-token reply finishing in a millisecond can't dominate.
 */
function summarize(target: TargetRecord): TargetPerformance {
  const { ring } = target;
  let ttftSum = 0;
  let ttftCount = 0;
  let genTokens = 0;
  let genMs = 0;
  let e2eTokens = 0;
  let e2eMs = 0;
  let successes = 0;
  let minTtft = Infinity;
  let maxTtft = -Infinity;
  for (let i = 0; i < ring.size; i++) {
    const ttft = ring.ttftMs[i];
    const duration = ring.durationMs[i];
    const tokens = ring.outputTokens[i];
    if (ring.success[i] === 1) successes++;
    if (!Number.isNaN(ttft)) {
      ttftSum += ttft;
      ttftCount++;
      minTtft = Math.min(minTtft, ttft);
      maxTtft = Math.max(maxTtft, ttft);
    }
    if (ring.success[i] !== 1 || tokens <= 0) continue;
    if (!Number.isNaN(ttft) && duration > ttft) {
      genTokens += tokens;
      genMs += duration - ttft;
    }
    if (duration > 0) {
      e2eTokens += tokens;
      e2eMs += duration;
    }
  }
  return {
    samples: ring.size,
    avgTtftMs: ttftCount > 0 ? ttftSum / ttftCount : null,
    avgTokensPerSec: genMs > 0 ? (genTokens * 1000) / genMs : null,
    avgE2eTokensPerSec: e2eMs > 0 ? (e2eTokens * 1000) / e2eMs : null,
    lastUpdated: ring.size > 0 ? target.lastUpdated : null,
    successes,
    failures: ring.size - successes,
    minTtftMs: ttftCount > 0 ? minTtft : null,
    maxTtftMs: ttftCount > 0 ? maxTtft : null,
  };
}

function keyOf(provider: string, model: string): string {
  return `${provider}\u0000${model}`;
}

function finiteOr(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) ? value : fallback;
}
