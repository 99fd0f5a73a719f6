import { defer, tap, type Observable } from 'rxjs';

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

  /** Times one upstream attempt (cold: timing starts at subscription). */
  observe<T>(attempt: Observable<T>): Observable<T> {
    return defer(() => {
      this.runningSince = performance.now();
      this.firstChunkAt = null;
      const end = (): void => this.attemptEnded(performance.now());
      return attempt.pipe(
        tap({
          next: () => {
            this.firstChunkAt ??= performance.now();
          },
          error: end,
          complete: end,
          unsubscribe: end,
        }),
      );
    });
  }

  /** Milliseconds spent on upstreams until `now`. */
  upstreamMs(now: number): number {
    if (this.runningSince === null) return this.finishedMs;
    return this.finishedMs + ((this.firstChunkAt ?? now) - this.runningSince);
  }

  private attemptEnded(now: number): void {
    if (this.runningSince === null) return;
    this.finishedMs += now - this.runningSince;
    this.runningSince = null;
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
