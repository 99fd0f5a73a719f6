import { Injectable, Logger } from '@nestjs/common';
import { InFlightRequests } from '../concurrency/in-flight-requests.service';

/** How long a restart waits for in-flight inference requests before closing anyway. */
const DRAIN_TIMEOUT_MS = 30_000;
const DRAIN_POLL_MS = 50;

/**
 * What POST /v0/management/restart sets off. Only the process entry point knows it owns
 * the process (an embedding host must not be exited under it), so it installs the
 * shutdown; without one the route says restart is unavailable. The HTTP server closes
 * connections hard (so open SSE feeds can't hold shutdown), so the inference requests in
 * flight are waited for first.
 */
@Injectable()
export class GracefulRestart {
  private readonly logger = new Logger(GracefulRestart.name);
  private shutdown: (() => Promise<void>) | null = null;
  private started = false;

  constructor(private readonly inFlight: InFlightRequests) {}

  handleWith(shutdown: () => Promise<void>): void {
    this.shutdown = shutdown;
  }

  get available(): boolean {
    return this.shutdown !== null;
  }

  /** Runs the shutdown once, however many restarts are asked for meanwhile. */
  restart(): void {
    if (!this.shutdown || this.started) return;
    this.started = true;
    this.logger.warn('restart requested through the management API: shutting down gracefully');
    const shutdown = this.shutdown;
    this.drain()
      .then(() => shutdown())
      .catch((error: unknown) => this.logger.error(`graceful shutdown failed: ${(error as Error).message}`));
  }

  private async drain(): Promise<void> {
    const deadline = Date.now() + DRAIN_TIMEOUT_MS;
    while (this.inFlight.count() > 0) {
      if (Date.now() > deadline) {
        this.logger.warn(
          `restarting with ${this.inFlight.count()} requests still in flight after ${DRAIN_TIMEOUT_MS} ms`,
        );
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
    }
  }
}
