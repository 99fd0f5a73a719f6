import { Body, Controller, Delete, Get, Param, Patch, Post, Put, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audited } from '../audit/audited.decorator';
import { ManagementApi } from '../common/management-api.decorator';
import { AdminKeyGuard } from '@plexus/auth';
import { SuccessDto } from '../common/success.dto';
import { KeyConfigDto, KeySaveResultDto } from './key.dto';
import { KeysService } from './keys.service';
import { ManagedObjectGuard, RefuseManaged } from '../config-transfer/managed-object.guard';

@ApiTags('Management — Keys')
@ManagementApi()
@UseGuards(AdminKeyGuard, ManagedObjectGuard)
@Controller('v0/management/keys')
export class KeysController {
  constructor(private readonly keys: KeysService) {}

  @Get()
  @ApiOperation({ summary: 'All API keys, keyed by name (secrets masked)' })
  @ApiOkResponse({ schema: { type: 'object', additionalProperties: { type: 'object' } } })
  list(): Promise<Record<string, Record<string, unknown>>> {
    return this.keys.list();
  }

  @Get(':name')
  @ApiOperation({ summary: 'One API key (secret masked)' })
  @ApiOkResponse({ type: KeyConfigDto })
  get(@Param('name') name: string): Promise<Record<string, unknown>> {
    return this.keys.get(name);
  }

  @Audited()
  @Put(':name')
  @ApiOperation({ summary: 'Create or replace an API key' })
  @ApiBody({ type: KeyConfigDto })
  @ApiOkResponse({ type: KeySaveResultDto })
  @RefuseManaged('key', 'name')
  async put(@Param('name') name: string, @Body() config: KeyConfigDto): Promise<KeySaveResultDto> {
    await this.keys.replace(name, config);
    return { success: true, name };
  }

  @Audited()
  @Patch(':name')
  @ApiOperation({ summary: 'Merge fields into an API key, then validate the result' })
  @ApiBody({ schema: { type: 'object', additionalProperties: true } })
  @ApiOkResponse({ type: KeySaveResultDto })
  @RefuseManaged('key', 'name')
  async patch(@Param('name') name: string, @Body() changes: unknown): Promise<KeySaveResultDto> {
    await this.keys.merge(name, changes);
    return { success: true, name };
  }

  @Audited()
  @Delete(':name')
  @ApiOperation({ summary: 'Delete an API key' })
  @ApiOkResponse({ type: SuccessDto })
  @RefuseManaged('key', 'name')
  async delete(@Param('name') name: string): Promise<SuccessDto> {
    await this.keys.delete(name);
    return { success: true };
  }

  @Audited()
  @Post(':name/disable')
  @ApiOperation({ summary: 'Disable an API key now' })
  @ApiOkResponse({ type: SuccessDto })
  @RefuseManaged('key', 'name')
  async disable(@Param('name') name: string): Promise<SuccessDto> {
    await this.keys.disable(name);
    return { success: true };
  }
}
