import { Body, Controller, Delete, Get, Param, Patch, Put, Query, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Audited } from '../audit/audited.decorator';
import { ManagementApi } from '../common/management-api.decorator';
import { AdminKeyGuard } from '@plexus/auth';
import { AliasRepository, ConfigChangeBus, ProviderRepository } from '@plexus/persistence';
import { conflict, notFound, validateBody } from '../common/validation';
import { ProviderConfigDto, ProviderDeleteResultDto, SaveSlugResultDto } from './provider.dto';
import { providerConfigOf, providerRecordFrom, withStoredSecrets } from './provider-config.mapper';
import { ManagedObjectGuard, RefuseManaged } from '../config-transfer/managed-object.guard';

@ApiTags('Management — Providers')
@ManagementApi()
@UseGuards(AdminKeyGuard, ManagedObjectGuard)
@Controller('v0/management/providers')
export class ProvidersController {
  constructor(
    private readonly providers: ProviderRepository,
    private readonly aliases: AliasRepository,
    private readonly bus: ConfigChangeBus,
  ) {}

  @Get()
  @ApiOperation({ summary: 'All providers, keyed by slug (api_key and quota checker credentials masked)' })
  @ApiOkResponse({ schema: { type: 'object', additionalProperties: { type: 'object' } } })
  async list(): Promise<Record<string, Record<string, unknown>>> {
    const records = await this.providers.findAll();
    return Object.fromEntries(records.map((record) => [record.slug, providerConfigOf(record)]));
  }

  @Get(':slug')
  @ApiOperation({ summary: 'One provider (api_key and quota checker credentials masked)' })
  @ApiOkResponse({ type: ProviderConfigDto })
  async get(@Param('slug') slug: string): Promise<Record<string, unknown>> {
    const record = await this.providers.findBySlug(slug);
    if (!record) throw notFound(`Provider '${slug}' not found`);
    return providerConfigOf(record);
  }

  @Audited()
  @Put(':slug')
  @ApiOperation({
    summary: 'Create or replace a provider (a secret sent back masked, as GET shows it, keeps the stored one)',
  })
  @ApiBody({ type: ProviderConfigDto })
  @ApiOkResponse({ type: SaveSlugResultDto })
  @RefuseManaged('provider', 'slug')
  async put(@Param('slug') slug: string, @Body() body: unknown): Promise<SaveSlugResultDto> {
    const config = validateBody(ProviderConfigDto, body);
    await this.providers.upsert(
      withStoredSecrets(providerRecordFrom(slug, config), await this.providers.findBySlug(slug)),
    );
    await this.bus.publish('providers');
    return { success: true, slug };
  }

  @Audited()
  @Patch(':slug')
  @ApiOperation({ summary: 'Merge fields into a provider, then validate the result' })
  @ApiBody({ schema: { type: 'object', additionalProperties: true } })
  @ApiOkResponse({ type: SaveSlugResultDto })
  @RefuseManaged('provider', 'slug')
  async patch(@Param('slug') slug: string, @Body() body: unknown): Promise<SaveSlugResultDto> {
    const existing = await this.providers.findBySlug(slug);
    if (!existing) throw notFound(`Provider '${slug}' not found`);
    const merged = { ...providerConfigOf(existing, true), ...(body as Record<string, unknown>) };
    const config = validateBody(ProviderConfigDto, merged);
    await this.providers.upsert(withStoredSecrets(providerRecordFrom(slug, config), existing));
    await this.bus.publish('providers');
    return { success: true, slug };
  }

  @Audited()
  @Delete(':slug')
  @ApiOperation({ summary: 'Delete a provider; with cascade=true also remove alias targets that use it' })
  @ApiQuery({ name: 'cascade', required: false, enum: ['true', 'false'] })
  @ApiOkResponse({ type: ProviderDeleteResultDto })
  @RefuseManaged('provider', 'slug')
  async delete(@Param('slug') slug: string, @Query('cascade') cascade?: string): Promise<ProviderDeleteResultDto> {
    if (!(await this.providers.findBySlug(slug))) throw notFound(`Provider '${slug}' not found`);
    const aliases = await this.aliases.findAll();
    const referencing = aliases.filter((alias) =>
      alias.targetGroups.some((group) => group.targets.some((target) => target.provider === slug)),
    );
    if (referencing.length > 0 && cascade !== 'true') {
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
    return cascade === 'true'
      ? { success: true, provider: slug, removedTargets, affectedAliases: referencing.map((alias) => alias.slug) }
      : { success: true, provider: slug };
  }
}
