import { Injectable, Logger, Optional, type OnModuleInit } from '@nestjs/common';
import {
  AliasRepository,
  ConfigChangeBus,
  ProviderRepository,
  type AliasRecord,
  type ProviderRecord,
} from '@plexus/persistence';

/**
 * The routing configuration held in memory, so routing a request costs no database
 * round trip. Rebuilt from the database whenever the configuration bus says providers or
 * aliases changed, on this replica or another.
 */
@Injectable()
export class RoutingConfigService implements OnModuleInit {
  private readonly logger = new Logger(RoutingConfigService.name);
  private providers = new Map<string, ProviderRecord>();
  private aliases = new Map<string, AliasRecord>();
  /** Slug and every additional alias, to the alias record. */
  private aliasNames = new Map<string, AliasRecord>();

  constructor(
    private readonly providerRepository: ProviderRepository,
    private readonly aliasRepository: AliasRepository,
    @Optional() private readonly bus?: ConfigChangeBus,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.reload();
    this.bus?.subscribe(RoutingConfigService.name, ['providers', 'aliases'], () => this.reload());
  }

  async reload(): Promise<void> {
    const [providers, aliases] = await Promise.all([this.providerRepository.findAll(), this.aliasRepository.findAll()]);
    this.providers = new Map(providers.map((provider) => [provider.slug, provider]));
    this.aliases = new Map(aliases.map((alias) => [alias.slug, alias]));
    const names = new Map<string, AliasRecord>();
    for (const alias of aliases) for (const extra of alias.additionalAliases) names.set(extra, alias);
    for (const alias of aliases) names.set(alias.slug, alias);
    this.aliasNames = names;
    this.logger.debug(`loaded ${providers.length} providers, ${aliases.length} aliases`);
  }

  provider(slug: string): ProviderRecord | undefined {
    return this.providers.get(slug);
  }

  /** By slug or additional alias. */
  alias(name: string): AliasRecord | undefined {
    return this.aliasNames.get(name);
  }

  allAliases(): AliasRecord[] {
    return [...this.aliases.values()];
  }
}
