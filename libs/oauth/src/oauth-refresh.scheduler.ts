import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { OAuthCredentialRepository } from '@plexus/persistence';
import { OAuthCredentialService, REFRESH_AHEAD_MS } from './oauth-credential.service';

const CHECK_EVERY_MS = 60_000;

/**
 * Refreshes access tokens ahead of their expiry, so requests rarely wait for one. Each
 * account's refresh takes its row lock: replicas running this job at once refresh once.
 */
@Injectable()
export class OAuthRefreshScheduler implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('OAuthRefresh');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly credentials: OAuthCredentialRepository,
    private readonly service: OAuthCredentialService,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.runOnce(), CHECK_EVERY_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Refreshes every ready account whose token expires within the refresh margin (and one check interval). */
  runOnce(): Promise<void> {
    this.running ??= this.refreshExpiring().finally(() => (this.running = null));
    return this.running;
  }

  private async refreshExpiring(): Promise<void> {
    const expiring = await this.credentials.expiringBefore(new Date(Date.now() + REFRESH_AHEAD_MS + CHECK_EVERY_MS));
    for (const record of expiring) {
      try {
        await this.service.refresh({ oauthProvider: record.providerId, oauthAccount: record.accountId }, null);
      } catch (error) {
        this.logger.warn(error instanceof Error ? error.message : String(error));
      }
    }
  }
}
