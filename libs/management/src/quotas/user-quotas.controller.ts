import { Body, Controller, Delete, Get, HttpStatus, Param, Patch, Put, Res, UseGuards } from '@nestjs/common';
import { ApiBody, ApiConflictResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audited } from '../audit/audited.decorator';
import { ManagementApi } from '../common/management-api.decorator';
import { AdminKeyGuard } from '@plexus/auth';
import type { FastifyReply } from 'fastify';
import {
  UserQuotaDefinitionDto,
  UserQuotaDefinitionViewDto,
  UserQuotaDeleteResultDto,
  UserQuotaInUseDto,
  UserQuotaNamedDto,
  UserQuotaSaveResultDto,
} from './user-quota.dto';
import { UserQuotasService } from './user-quotas.service';
import { ManagedObjectGuard, RefuseManaged } from '../config-transfer/managed-object.guard';

/** User quota definitions: limits on requests, tokens or cost per window, assigned to keys by name. */
@ApiTags('Management — Quotas (User)')
@ManagementApi()
@UseGuards(AdminKeyGuard, ManagedObjectGuard)
@Controller('v0/management/user-quotas')
export class UserQuotasController {
  constructor(private readonly quotas: UserQuotasService) {}

  @Get()
  @ApiOperation({ summary: 'All user quota definitions, keyed by name' })
  @ApiOkResponse({
    schema: { type: 'object', additionalProperties: { $ref: '#/components/schemas/UserQuotaDefinitionViewDto' } },
  })
  list(): Promise<Record<string, UserQuotaDefinitionViewDto>> {
    return this.quotas.list();
  }

  @Get(':name')
  @ApiOperation({ summary: 'One user quota definition' })
  @ApiOkResponse({ type: UserQuotaNamedDto })
  get(@Param('name') name: string): Promise<UserQuotaNamedDto> {
    return this.quotas.get(name);
  }

  @Audited()
  @Put(':name')
  @ApiOperation({ summary: 'Create or replace a user quota definition' })
  @ApiBody({ type: UserQuotaDefinitionDto })
  @ApiOkResponse({ type: UserQuotaSaveResultDto })
  @RefuseManaged('quota', 'name')
  put(@Param('name') name: string, @Body() config: UserQuotaDefinitionDto): Promise<UserQuotaSaveResultDto> {
    return this.quotas.replace(name, config);
  }

  @Audited()
  @Patch(':name')
  @ApiOperation({ summary: 'Merge fields into a user quota definition, then validate the result' })
  @ApiBody({ schema: { type: 'object', additionalProperties: true } })
  @ApiOkResponse({ type: UserQuotaSaveResultDto })
  @RefuseManaged('quota', 'name')
  patch(@Param('name') name: string, @Body() changes: unknown): Promise<UserQuotaSaveResultDto> {
    return this.quotas.merge(name, changes);
  }

  @Audited()
  @Delete(':name')
  @ApiOperation({ summary: 'Delete a user quota definition (409 while a key still holds it)' })
  @ApiOkResponse({ type: UserQuotaDeleteResultDto })
  @ApiConflictResponse({ type: UserQuotaInUseDto })
  @RefuseManaged('quota', 'name')
  async delete(
    @Param('name') name: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UserQuotaDeleteResultDto | UserQuotaInUseDto> {
    const outcome = await this.quotas.delete(name);
    if (outcome.deleted) return { success: true, name, message: `User quota '${name}' deleted` };
    // The reference's 409 body as it is (the error filter would reshape a thrown one).
    void reply.status(HttpStatus.CONFLICT);
    return outcome.refusal;
  }
}
