import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Server } from 'node:http';
import { ShutdownState } from './shutdown-state';

export interface GracefulShutdownOptions {
  /** Readiness false for this long before the listener closes: the load balancer's time to notice. */
  delayMs: number;
  /** How long requests and streams under way may take to finish once the listener closed. */
  timeoutMs: number;
}

const POLL_MS = 50;
const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;
/** Signals whose default action would end the process; they must not stop a gateway. */
const IGNORED_SIGNALS = ['SIGHUP', 'SIGUSR2'] as const;

/**
 * Only SIGTERM and SIGINT stop the gateway: readiness turns false at once, new connections
 * are refused after `delayMs`, requests and streams under way finish (up to `timeoutMs`),
 * then the app closes (usage flushed, pools and connections closed) and the process exits.
 * A second stop signal exits at once. SIGHUP rereads the configuration instead of stopping.
 */
export class GracefulShutdown {
  private readonly logger = new Logger('Shutdown');
  private active = 0;
  private started = false;

  constructor(
    private readonly app: NestFastifyApplication,
    private readonly options: GracefulShutdownOptions,
    private readonly onHangup: () => void,
  ) {}

  install(): void {
    const server = this.app.getHttpServer();
    server.on('request', (_request, response) => {
      this.active += 1;
      response.once('close', () => (this.active -= 1));
    });
    for (const signal of STOP_SIGNALS) {
      process.on(signal, () => {
        if (this.started) {
          this.logger.warn(`${signal} again: exiting without waiting`);
          process.exit(1);
        }
        void this.run(signal, server);
      });
    }
    for (const signal of IGNORED_SIGNALS) {
      process.on(signal, () => {
        this.logger.log(`${signal}: rereading the configuration (only SIGTERM and SIGINT stop the gateway)`);
        this.onHangup();
      });
    }
  }

  private async run(signal: string, server: Server): Promise<void> {
    this.started = true;
    this.app.get(ShutdownState).begin();
    this.logger.log(`${signal}: not ready; closing the listener in ${this.options.delayMs} ms`);
    await sleep(this.options.delayMs);
    server.close();
    server.closeIdleConnections();
    const deadline = Date.now() + this.options.timeoutMs;
    while (this.active > 0 && Date.now() < deadline) await sleep(POLL_MS);
    if (this.active > 0) this.logger.warn(`closing with ${this.active} requests still under way`);
    try {
      await this.app.close();
      process.exit(0);
    } catch (error) {
      this.logger.error(`shutdown failed: ${(error as Error).message}`);
      process.exit(1);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
