import { Body, Controller, Delete, Get, Param, Patch, Put, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audited } from '../audit/audited.decorator';
import { ManagementApi } from '../common/management-api.decorator';
import { AdminKeyGuard } from '@plexus/auth';
import { SuccessDto } from '../common/success.dto';
import { SaveSlugResultDto } from '../providers/provider.dto';
import { AliasConfigDto, AliasDeleteAllResultDto } from './alias.dto';
import { AliasesService } from './aliases.service';
import { ManagedObjectGuard, RefuseManaged } from '../config-transfer/managed-object.guard';

@ApiTags('Management — Aliases')
@ManagementApi()
@UseGuards(AdminKeyGuard, ManagedObjectGuard)
@Controller('v0/management')
export class AliasesController {
  constructor(private readonly aliases: AliasesService) {}

  @Get('aliases')
  @ApiOperation({ summary: 'All model aliases, keyed by slug' })
  @ApiOkResponse({ schema: { type: 'object', additionalProperties: { type: 'object' } } })
  list(): Promise<Record<string, Record<string, unknown>>> {
    return this.aliases.list();
  }

  @Get('aliases/:slug')
  @ApiOperation({ summary: 'One model alias' })
  @ApiOkResponse({ type: AliasConfigDto })
  get(@Param('slug') slug: string): Promise<Record<string, unknown>> {
    return this.aliases.get(slug);
  }

  @Audited()
  @Put('aliases/:slug')
  @ApiOperation({ summary: 'Create or replace a model alias' })
  @ApiBody({ type: AliasConfigDto })
  @ApiOkResponse({ type: SaveSlugResultDto })
  @RefuseManaged('alias', 'slug')
  async put(@Param('slug') slug: string, @Body() body: unknown): Promise<SaveSlugResultDto> {
    await this.aliases.replace(slug, body);
    return { success: true, slug };
  }

  @Audited()
  @Patch('aliases/:slug')
  @ApiOperation({ summary: 'Merge fields into a model alias, then validate the result' })
  @ApiBody({ schema: { type: 'object', additionalProperties: true } })
  @ApiOkResponse({ type: SaveSlugResultDto })
  @RefuseManaged('alias', 'slug')
  async patch(@Param('slug') slug: string, @Body() changes: unknown): Promise<SaveSlugResultDto> {
    await this.aliases.merge(slug, changes);
    return { success: true, slug };
  }

  @Audited()
  @Delete('aliases/:slug')
  @ApiOperation({ summary: 'Delete a model alias' })
  @ApiOkResponse({ type: SuccessDto })
  @RefuseManaged('alias', 'slug')
  async deleteAlias(@Param('slug') slug: string): Promise<SuccessDto> {
    await this.aliases.delete(slug);
    return { success: true };
  }

  @Audited()
  @Delete('models/:slug')
  @ApiOperation({ summary: "Delete a model alias (the reference gateway's path)" })
  @ApiOkResponse({ type: SuccessDto })
  @RefuseManaged('alias', 'slug')
  async deleteModel(@Param('slug') slug: string): Promise<SuccessDto> {
    await this.aliases.delete(slug);
    return { success: true };
  }

  @Audited()
  @Delete('models')
  @ApiOperation({
    summary: 'Delete every model alias',
    description: 'Aliases managed by the config file (PLEXUS_CONFIG) are kept: they can only change there.',
  })
  @ApiOkResponse({ type: AliasDeleteAllResultDto })
  async deleteAllModels(): Promise<AliasDeleteAllResultDto> {
    return { success: true, deletedCount: await this.aliases.deleteAll() };
  }
}
