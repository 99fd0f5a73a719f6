import { Injectable } from '@nestjs/common';
import { ApiKeyDirectory } from '@plexus/auth';
import { QuotaDefinitions } from '@plexus/quota';
import { RoutingConfigService, SettingsService } from '@plexus/routing';

/** After a whole-config write: every in-memory view of the configuration reads the database again. */
@Injectable()
export class ConfigRuntime {
  constructor(
    private readonly routingConfig: RoutingConfigService,
    private readonly directory: ApiKeyDirectory,
    private readonly quotaDefinitions: QuotaDefinitions,
    private readonly settings: SettingsService,
  ) {}

  async reload(): Promise<void> {
    await Promise.all([
      this.routingConfig.reload(),
      this.directory.reload(),
      this.quotaDefinitions.reload(),
      this.settings.reload(),
    ]);
  }
}
