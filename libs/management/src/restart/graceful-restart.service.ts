import { Injectable, Logger } from '@nestjs/common';

/**
 * What POST /v0/management/restart sets off. Only the process entry point knows it owns
 * the process (an embedding host must not be exited under it), so it installs the
 * shutdown; without one the route says restart is unavailable.
 */
@Injectable()
export class GracefulRestart {
  private readonly logger = new Logger(GracefulRestart.name);
  private shutdown: (() => Promise<void>) | null = null;
  private started = false;

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
    this.shutdown().catch((error: unknown) => this.logger.error(`graceful shutdown failed: ${(error as Error).message}`));
  }
}
