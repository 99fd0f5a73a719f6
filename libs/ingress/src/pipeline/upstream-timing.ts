/** The header carrying the gateway's own share of an answer's latency, in milliseconds. */
export const OVERHEAD_HEADER = 'x-plexus-overhead-ms';

/**
 * How long one request waited on upstreams, so the gateway can tell its own share of
 * the latency: every finished attempt counts whole (failed ones included), and the
 * attempt still running counts up to its first chunk, which is when a stream's first
 * byte can leave. The adapter's encoding and decoding happen inside an attempt, so they
 * count as upstream time; routing, admission, failover and the client's encoding do not.
 */
export class UpstreamTiming {
  private finishedMs = 0;
  private runningSince: number | null = null;
  private firstChunkAt: number | null = null;

  /** An upstream attempt begins (the lifecycle calls these three, with no operator of their own). */
  attemptStarted(): void {
    this.runningSince = performance.now();
    this.firstChunkAt = null;
  }

  firstChunk(now: number): void {
    this.firstChunkAt ??= now;
  }

  /** The attempt ended, however it ended; a second call is a no-op. */
  attemptEnded(): void {
    if (this.runningSince === null) return;
    this.finishedMs += performance.now() - this.runningSince;
    this.runningSince = null;
  }

  /** Milliseconds spent on upstreams until `now`. */
  upstreamMs(now: number): number {
    if (this.runningSince === null) return this.finishedMs;
    return this.finishedMs + ((this.firstChunkAt ?? now) - this.runningSince);
  }
}

/**
 * The gateway's own time in an answer: `elapsedMs` since the request arrived minus the
 * time spent waiting on upstreams (none for a request that never reached one).
 */
export function overheadHeader(elapsedMs: number, timing: UpstreamTiming | undefined): Record<string, string> {
  const upstream = timing?.upstreamMs(performance.now()) ?? 0;
  return { [OVERHEAD_HEADER]: Math.max(0, elapsedMs - upstream).toFixed(2) };
}
