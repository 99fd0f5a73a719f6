import { Injectable } from '@nestjs/common';
import { AliasRepository, ConfigChangeBus, ProviderRepository, type AliasRecord } from '@plexus/persistence';
import { notFound, validateBody, validationFailed, type ValidationIssue } from '../common/validation';
import { AliasConfigDto } from './alias.dto';
import { aliasConfigOf, aliasRecordFrom, normalizeLegacyAlias } from './alias-config.mapper';

/** Model aliases: targets must name known providers, once each, and names are unique across aliases. */
@Injectable()
export class AliasesService {
  constructor(
    private readonly aliases: AliasRepository,
    private readonly providers: ProviderRepository,
    private readonly bus: ConfigChangeBus,
  ) {}

  async list(): Promise<Record<string, Record<string, unknown>>> {
    const records = await this.aliases.findAll();
    return Object.fromEntries(records.map((record) => [record.slug, aliasConfigOf(record)]));
  }

  async get(slug: string): Promise<Record<string, unknown>> {
    return aliasConfigOf(await this.existing(slug));
  }

  /** Validates a whole alias (the legacy `targets` form included) and stores it. */
  async replace(slug: string, body: unknown): Promise<void> {
    const config = validateBody(AliasConfigDto, normalizeLegacyAlias(body as Record<string, unknown>));
    await this.save(aliasRecordFrom(slug, config));
  }

  async merge(slug: string, changes: unknown): Promise<void> {
    const existing = await this.existing(slug);
    const merged = normalizeLegacyAlias({ ...aliasConfigOf(existing), ...(changes as Record<string, unknown>) });
    await this.save(aliasRecordFrom(slug, validateBody(AliasConfigDto, merged)));
  }

  async delete(slug: string): Promise<void> {
    if (!(await this.aliases.delete(slug))) throw notFound(`Alias '${slug}' not found`);
    await this.bus.publish('aliases');
  }

  /** Deletes every alias but those the config file manages; answers how many went. */
  async deleteAll(): Promise<number> {
    const deletable = (await this.aliases.findAll()).filter((alias) => alias.managed !== true);
    let deletedCount = 0;
    for (const alias of deletable) {
      if (await this.aliases.delete(alias.slug)) deletedCount += 1;
    }
    await this.bus.publish('aliases');
    return deletedCount;
  }

  private async existing(slug: string): Promise<AliasRecord> {
    const record = await this.aliases.findBySlug(slug);
    if (!record) throw notFound(`Alias '${slug}' not found`);
    return record;
  }

  /** Refuses targets on unknown providers, duplicate targets and names taken by another alias. */
  private async save(record: AliasRecord): Promise<void> {
    const providerSlugs = new Set((await this.providers.findAll()).map((provider) => provider.slug));
    const others = (await this.aliases.findAll()).filter((alias) => alias.slug !== record.slug);
    const issues = [...targetIssues(record, providerSlugs), ...nameIssues(record, others)];
    if (issues.length > 0) throw validationFailed(issues);
    await this.aliases.upsert(record);
    await this.bus.publish('aliases');
  }
}

function targetIssues(record: AliasRecord, providerSlugs: Set<string>): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const seen = new Set<string>();
  record.targetGroups.forEach((group, groupIndex) =>
    group.targets.forEach((target, targetIndex) => {
      const path = ['target_groups', String(groupIndex), 'targets', String(targetIndex)];
      if (!providerSlugs.has(target.provider)) {
        issues.push({
          path: [...path, 'provider'],
          message: `Unknown provider '${target.provider}'`,
          code: 'unknown_provider',
        });
      }
      const key = `${target.provider}/${target.model}`;
      if (seen.has(key)) issues.push({ path, message: `Duplicate target '${key}'`, code: 'duplicate_target' });
      seen.add(key);
    }),
  );
  return issues;
}

function nameIssues(record: AliasRecord, others: AliasRecord[]): ValidationIssue[] {
  const taken = new Set(others.flatMap((alias) => [alias.slug, ...alias.additionalAliases]));
  return record.additionalAliases
    .filter((name) => taken.has(name) || name === record.slug)
    .map((name) => ({
      path: ['additional_aliases'],
      message: `Name '${name}' is already in use`,
      code: 'duplicate_alias',
    }));
}
