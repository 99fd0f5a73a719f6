import { Body, Controller, Delete, Get, Param, Patch, Put, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audited } from '../audit/audited.decorator';
import { ManagementApi } from '../common/management-api.decorator';
import { AdminKeyGuard } from '@plexus/auth';
import { AliasRepository, ConfigChangeBus, ProviderRepository, type AliasRecord } from '@plexus/persistence';
import { SuccessDto } from '../common/success.dto';
import { notFound, validateBody, validationFailed, type ValidationIssue } from '../common/validation';
import { SaveSlugResultDto } from '../providers/provider.dto';
import { AliasConfigDto, AliasDeleteAllResultDto } from './alias.dto';
import { aliasConfigOf, aliasRecordFrom, normalizeLegacyAlias } from './alias-config.mapper';
import { ManagedObjectGuard, RefuseManaged } from '../config-transfer/managed-object.guard';

@ApiTags('Management — Aliases')
@ManagementApi()
@UseGuards(AdminKeyGuard, ManagedObjectGuard)
@Controller('v0/management')
export class AliasesController {
  constructor(
    private readonly aliases: AliasRepository,
    private readonly providers: ProviderRepository,
    private readonly bus: ConfigChangeBus,
  ) {}

  @Get('aliases')
  @ApiOperation({ summary: 'All model aliases, keyed by slug' })
  @ApiOkResponse({ schema: { type: 'object', additionalProperties: { type: 'object' } } })
  async list(): Promise<Record<string, Record<string, unknown>>> {
    const records = await this.aliases.findAll();
    return Object.fromEntries(records.map((record) => [record.slug, aliasConfigOf(record)]));
  }

  @Get('aliases/:slug')
  @ApiOperation({ summary: 'One model alias' })
  @ApiOkResponse({ type: AliasConfigDto })
  async get(@Param('slug') slug: string): Promise<Record<string, unknown>> {
    const record = await this.aliases.findBySlug(slug);
    if (!record) throw notFound(`Alias '${slug}' not found`);
    return aliasConfigOf(record);
  }

  @Audited()
  @Put('aliases/:slug')
  @ApiOperation({ summary: 'Create or replace a model alias' })
  @ApiBody({ type: AliasConfigDto })
  @ApiOkResponse({ type: SaveSlugResultDto })
  @RefuseManaged('alias', 'slug')
  async put(@Param('slug') slug: string, @Body() body: unknown): Promise<SaveSlugResultDto> {
    const config = validateBody(AliasConfigDto, normalizeLegacyAlias(body as Record<string, unknown>));
    await this.save(aliasRecordFrom(slug, config));
    return { success: true, slug };
  }

  @Audited()
  @Patch('aliases/:slug')
  @ApiOperation({ summary: 'Merge fields into a model alias, then validate the result' })
  @ApiBody({ schema: { type: 'object', additionalProperties: true } })
  @ApiOkResponse({ type: SaveSlugResultDto })
  @RefuseManaged('alias', 'slug')
  async patch(@Param('slug') slug: string, @Body() body: unknown): Promise<SaveSlugResultDto> {
    const existing = await this.aliases.findBySlug(slug);
    if (!existing) throw notFound(`Alias '${slug}' not found`);
    const merged = normalizeLegacyAlias({ ...aliasConfigOf(existing), ...(body as Record<string, unknown>) });
    await this.save(aliasRecordFrom(slug, validateBody(AliasConfigDto, merged)));
    return { success: true, slug };
  }

  @Audited()
  @Delete('aliases/:slug')
  @ApiOperation({ summary: 'Delete a model alias' })
  @ApiOkResponse({ type: SuccessDto })
  @RefuseManaged('alias', 'slug')
  deleteAlias(@Param('slug') slug: string): Promise<SuccessDto> {
    return this.remove(slug);
  }

  @Audited()
  @Delete('models/:slug')
  @ApiOperation({ summary: "Delete a model alias (the reference gateway's path)" })
  @ApiOkResponse({ type: SuccessDto })
  @RefuseManaged('alias', 'slug')
  deleteModel(@Param('slug') slug: string): Promise<SuccessDto> {
    return this.remove(slug);
  }

  @Audited()
  @Delete('models')
  @ApiOperation({
    summary: 'Delete every model alias',
    description: 'Aliases managed by the config file (PLEXUS_CONFIG) are kept: they can only change there.',
  })
  @ApiOkResponse({ type: AliasDeleteAllResultDto })
  async deleteAllModels(): Promise<AliasDeleteAllResultDto> {
    const deletable = (await this.aliases.findAll()).filter((alias) => alias.managed !== true);
    let deletedCount = 0;
    for (const alias of deletable) {
      if (await this.aliases.delete(alias.slug)) deletedCount += 1;
    }
    await this.bus.publish('aliases');
    return { success: true, deletedCount };
  }

  private async remove(slug: string): Promise<SuccessDto> {
    if (!(await this.aliases.delete(slug))) throw notFound(`Alias '${slug}' not found`);
    await this.bus.publish('aliases');
    return { success: true };
  }

  /** Refuses targets on unknown providers, duplicate targets and names taken by another alias. */
  private async save(record: AliasRecord): Promise<void> {
    const issues: ValidationIssue[] = [];
    const providerSlugs = new Set((await this.providers.findAll()).map((provider) => provider.slug));
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
    const others = (await this.aliases.findAll()).filter((alias) => alias.slug !== record.slug);
    const taken = new Set(others.flatMap((alias) => [alias.slug, ...alias.additionalAliases]));
    for (const name of record.additionalAliases) {
      if (taken.has(name) || name === record.slug) {
        issues.push({
          path: ['additional_aliases'],
          message: `Name '${name}' is already in use`,
          code: 'duplicate_alias',
        });
      }
    }
    if (issues.length > 0) throw validationFailed(issues);
    await this.aliases.upsert(record);
    await this.bus.publish('aliases');
  }
}
