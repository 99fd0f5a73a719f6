import { Injectable } from '@nestjs/common';
import { AliasRepository, ConfigChangeBus, ProviderRepository, type AliasRecord } from '@plexus/persistence';
import { conflict, notFound, validateBody } from '../common/validation';
import { ProviderConfigDto, type ProviderDeleteResultDto } from './provider.dto';
import { providerConfigOf, providerRecordFrom, withStoredSecrets } from './provider-config.mapper';

/** Providers: stored with their secrets kept when sent back masked; deleting one cascades to alias targets on request. */
@Injectable()
export class ProvidersService {
  constructor(
    private readonly providers: ProviderRepository,
    private readonly aliases: AliasRepository,
    private readonly bus: ConfigChangeBus,
  ) {}

  async list(): Promise<Record<string, Record<string, unknown>>> {
    const records = await this.providers.findAll();
    return Object.fromEntries(records.map((record) => [record.slug, providerConfigOf(record)]));
  }

  async get(slug: string): Promise<Record<string, unknown>> {
    return providerConfigOf(await this.existing(slug));
  }

  async replace(slug: string, config: ProviderConfigDto): Promise<void> {
    await this.providers.upsert(
      withStoredSecrets(providerRecordFrom(slug, config), await this.providers.findBySlug(slug)),
    );
    await this.bus.publish('providers');
  }

  /** Merges the given fields into the stored provider (secrets unmasked), then validates the whole. */
  async merge(slug: string, changes: unknown): Promise<void> {
    const existing = await this.existing(slug);
    const merged = { ...providerConfigOf(existing, true), ...(changes as Record<string, unknown>) };
    const config = validateBody(ProviderConfigDto, merged);
    await this.providers.upsert(withStoredSecrets(providerRecordFrom(slug, config), existing));
    await this.bus.publish('providers');
  }

  /** Deletes a provider; alias targets on it block the delete unless `cascade` removes them too. */
  async delete(slug: string, cascade: boolean): Promise<ProviderDeleteResultDto> {
    await this.existing(slug);
    const referencing = (await this.aliases.findAll()).filter((alias) => targetsProvider(alias, slug));
    if (referencing.length > 0 && !cascade) {
      throw conflict(
        `Provider '${slug}' is a target of ${referencing.map((alias) => alias.slug).join(', ')}: delete with ?cascade=true to remove those targets too`,
      );
    }
    const managed = referencing.filter((alias) => alias.managed === true).map((alias) => alias.slug);
    if (managed.length > 0) {
      throw conflict(
        `Provider '${slug}' is a target of ${managed.join(', ')}, managed by the config file (PLEXUS_CONFIG): change the file first`,
      );
    }
    const removedTargets: string[] = [];
    for (const alias of referencing) {
      const targetGroups = alias.targetGroups.map((group) => ({
        ...group,
        targets: group.targets.filter((target) => {
          if (target.provider !== slug) return true;
          removedTargets.push(`${target.provider}/${target.model}`);
          return false;
        }),
      }));
      await this.aliases.upsert({ ...alias, targetGroups });
    }
    await this.providers.delete(slug);
    await this.bus.publish('providers', 'aliases');
    return cascade
      ? { success: true, provider: slug, removedTargets, affectedAliases: referencing.map((alias) => alias.slug) }
      : { success: true, provider: slug };
  }

  private async existing(slug: string) {
    const record = await this.providers.findBySlug(slug);
    if (!record) throw notFound(`Provider '${slug}' not found`);
    return record;
  }
}

function targetsProvider(alias: AliasRecord, slug: string): boolean {
  return alias.targetGroups.some((group) => group.targets.some((target) => target.provider === slug));
}
