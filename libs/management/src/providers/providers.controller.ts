import { Body, Controller, Delete, Get, Param, Patch, Put, Query, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Audited } from '../audit/audited.decorator';
import { ManagementApi } from '../common/management-api.decorator';
import { AdminKeyGuard } from '@plexus/auth';
import { ProviderConfigDto, ProviderDeleteResultDto, SaveSlugResultDto } from './provider.dto';
import { ProvidersService } from './providers.service';
import { ManagedObjectGuard, RefuseManaged } from '../config-transfer/managed-object.guard';

@ApiTags('Management — Providers')
@ManagementApi()
@UseGuards(AdminKeyGuard, ManagedObjectGuard)
@Controller('v0/management/providers')
export class ProvidersController {
  constructor(private readonly providers: ProvidersService) {}

  @Get()
  @ApiOperation({ summary: 'All providers, keyed by slug (api_key and quota checker credentials masked)' })
  @ApiOkResponse({ schema: { type: 'object', additionalProperties: { type: 'object' } } })
  list(): Promise<Record<string, Record<string, unknown>>> {
    return this.providers.list();
  }

  @Get(':slug')
  @ApiOperation({ summary: 'One provider (api_key and quota checker credentials masked)' })
  @ApiOkResponse({ type: ProviderConfigDto })
  get(@Param('slug') slug: string): Promise<Record<string, unknown>> {
    return this.providers.get(slug);
  }

  @Audited()
  @Put(':slug')
  @ApiOperation({
    summary: 'Create or replace a provider (a secret sent back masked, as GET shows it, keeps the stored one)',
  })
  @ApiBody({ type: ProviderConfigDto })
  @ApiOkResponse({ type: SaveSlugResultDto })
  @RefuseManaged('provider', 'slug')
  async put(@Param('slug') slug: string, @Body() config: ProviderConfigDto): Promise<SaveSlugResultDto> {
    await this.providers.replace(slug, config);
    return { success: true, slug };
  }

  @Audited()
  @Patch(':slug')
  @ApiOperation({ summary: 'Merge fields into a provider, then validate the result' })
  @ApiBody({ schema: { type: 'object', additionalProperties: true } })
  @ApiOkResponse({ type: SaveSlugResultDto })
  @RefuseManaged('provider', 'slug')
  async patch(@Param('slug') slug: string, @Body() changes: unknown): Promise<SaveSlugResultDto> {
    await this.providers.merge(slug, changes);
    return { success: true, slug };
  }

  @Audited()
  @Delete(':slug')
  @ApiOperation({ summary: 'Delete a provider; with cascade=true also remove alias targets that use it' })
  @ApiQuery({ name: 'cascade', required: false, enum: ['true', 'false'] })
  @ApiOkResponse({ type: ProviderDeleteResultDto })
  @RefuseManaged('provider', 'slug')
  delete(@Param('slug') slug: string, @Query('cascade') cascade?: string): Promise<ProviderDeleteResultDto> {
    return this.providers.delete(slug, cascade === 'true');
  }
}
