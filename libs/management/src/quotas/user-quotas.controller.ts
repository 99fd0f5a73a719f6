import { Body, Controller, Delete, Get, HttpStatus, Param, Patch, Put, Res, UseGuards } from '@nestjs/common';
import { ApiBody, ApiConflictResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audited } from '../audit/audited.decorator';
import { ManagementApi } from '../common/management-api.decorator';
import { AdminKeyGuard } from '@plexus/auth';
import { ApiKeyRepository, ConfigChangeBus, UserQuotaRepository, type UserQuotaRecord } from '@plexus/persistence';
import { QuotaService, assignedQuotaNames } from '@plexus/quota';
import type { FastifyReply } from 'fastify';
import { notFound, validateBody, validationFailed } from '../common/validation';
import {
  QUOTA_NAME,
  UserQuotaDefinitionDto,
  UserQuotaDefinitionViewDto,
  UserQuotaDeleteResultDto,
  UserQuotaInUseDto,
  UserQuotaNamedDto,
  UserQuotaSaveResultDto,
} from './user-quota.dto';
import { ManagedObjectGuard, RefuseManaged } from '../config-transfer/managed-object.guard';

/** User quota definitions: limits on requests, tokens or cost per window, assigned to keys by name. */
@ApiTags('Management — Quotas (User)')
@ManagementApi()
@UseGuards(AdminKeyGuard, ManagedObjectGuard)
@Controller('v0/management/user-quotas')
export class UserQuotasController {
  constructor(
    private readonly repository: UserQuotaRepository,
    private readonly bus: ConfigChangeBus,
    private readonly keys: ApiKeyRepository,
    private readonly quotas: QuotaService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'All user quota definitions, keyed by name' })
  @ApiOkResponse({
    schema: { type: 'object', additionalProperties: { $ref: '#/components/schemas/UserQuotaDefinitionViewDto' } },
  })
  async list(): Promise<Record<string, UserQuotaDefinitionViewDto>> {
    const records = await this.repository.findAll();
    return Object.fromEntries(records.map((record) => [record.name, viewOf(record)]));
  }

  @Get(':name')
  @ApiOperation({ summary: 'One user quota definition' })
  @ApiOkResponse({ type: UserQuotaNamedDto })
  async get(@Param('name') name: string): Promise<UserQuotaNamedDto> {
    const record = await this.repository.findByName(name);
    if (!record) throw notFound(`User quota '${name}' not found`);
    return { name, ...viewOf(record) };
  }

  @Audited()
  @Put(':name')
  @ApiOperation({ summary: 'Create or replace a user quota definition' })
  @ApiBody({ type: UserQuotaDefinitionDto })
  @ApiOkResponse({ type: UserQuotaSaveResultDto })
  @RefuseManaged('quota', 'name')
  async put(@Param('name') name: string, @Body() body: unknown): Promise<UserQuotaSaveResultDto> {
    checkName(name);
    return this.save(name, validateBody(UserQuotaDefinitionDto, body));
  }

  @Audited()
  @Patch(':name')
  @ApiOperation({ summary: 'Merge fields into a user quota definition, then validate the result' })
  @ApiBody({ schema: { type: 'object', additionalProperties: true } })
  @ApiOkResponse({ type: UserQuotaSaveResultDto })
  @RefuseManaged('quota', 'name')
  async patch(@Param('name') name: string, @Body() body: unknown): Promise<UserQuotaSaveResultDto> {
    const existing = await this.repository.findByName(name);
    if (!existing) throw notFound(`User quota '${name}' not found`);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw validationFailed([{ path: [], message: 'Body must be a JSON object', code: 'invalid_type' }]);
    }
    return this.save(name, validateBody(UserQuotaDefinitionDto, { ...viewOf(existing), ...body }));
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
    const existing = await this.repository.findByName(name);
    if (!existing) throw notFound(`User quota '${name}' not found`);
    const holders = (await this.keys.findAll())
      .filter((key) => assignedQuotaNames(key.policy).includes(name))
      .map((key) => key.name);
    if (holders.length > 0) {
      // The reference's 409 body as it is (the error filter would reshape a thrown one).
      void reply.status(HttpStatus.CONFLICT);
      return {
        success: false,
        error: 'quota_in_use',
        message: `User quota '${name}' is still assigned to ${holders.length === 1 ? 'key' : 'keys'} ${holders.map((key) => `'${key}'`).join(', ')}`,
      };
    }
    await this.repository.delete(name);
    await this.bus.publish('user-quotas');
    await this.quotas.forget(name);
    return { success: true, name, message: `User quota '${name}' deleted` };
  }

  private async save(name: string, config: UserQuotaDefinitionDto): Promise<UserQuotaSaveResultDto> {
    const record: UserQuotaRecord = {
      name,
      type: config.type,
      limitType: config.limitType,
      limit: config.limit,
      duration: config.type === 'rolling' ? (config.duration ?? null) : null,
      shared: config.shared ?? false,
      warnAt: config.warnAt ?? null,
    };
    await this.repository.upsert(record);
    await this.bus.publish('user-quotas');
    return { success: true, name, quota: viewOf(record) };
  }
}

function checkName(name: string): void {
  if (!QUOTA_NAME.test(name)) {
    throw validationFailed([
      {
        path: ['name'],
        message:
          'Quota names are 2-63 lowercase letters, digits, hyphens or underscores, starting with a letter or digit',
        code: 'invalid_string',
      },
    ]);
  }
}

export function viewOf(record: UserQuotaRecord): UserQuotaDefinitionViewDto {
  return {
    type: record.type,
    limitType: record.limitType,
    limit: record.limit,
    ...(record.duration !== null && { duration: record.duration }),
    ...(record.warnAt !== null && { warnAt: record.warnAt }),
    ...(record.shared && { shared: true }),
    ...(record.managed === true && { managed: true }),
  };
}
