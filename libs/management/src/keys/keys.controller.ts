import { Body, Controller, Delete, Get, Param, Patch, Post, Put, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audited } from '../audit/audited.decorator';
import { ManagementApi } from '../common/management-api.decorator';
import { AdminKeyGuard, hashSecret, maskSecret } from '@plexus/auth';
import { ApiKeyRepository, ConfigChangeBus, type ApiKeyPolicy, type ApiKeyRecord } from '@plexus/persistence';
import { QuotaDefinitions, assignedQuotaNames } from '@plexus/quota';
import { SuccessDto } from '../common/success.dto';
import { notFound, validateBody, validationFailed } from '../common/validation';
import { KeyConfigDto, KeySaveResultDto } from './key.dto';
import { ManagedObjectGuard, RefuseManaged } from '../config-transfer/managed-object.guard';

export const POLICY_FIELDS = [
  'allowedModels',
  'excludedModels',
  'allowedProviders',
  'excludedProviders',
  'allowRawPassthrough',
  'allowedIps',
  'quota',
  'quotas',
  'maxConcurrency',
  'allowedMcpServers',
  'mcpToolPolicy',
] as const;

@ApiTags('Management — Keys')
@ManagementApi()
@UseGuards(AdminKeyGuard, ManagedObjectGuard)
@Controller('v0/management/keys')
export class KeysController {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly bus: ConfigChangeBus,
    private readonly quotaDefinitions: QuotaDefinitions,
  ) {}

  @Get()
  @ApiOperation({ summary: 'All API keys, keyed by name (secrets masked)' })
  @ApiOkResponse({ schema: { type: 'object', additionalProperties: { type: 'object' } } })
  async list(): Promise<Record<string, Record<string, unknown>>> {
    const records = await this.keys.findAll();
    return Object.fromEntries(records.map((record) => [record.name, keyConfigOf(record)]));
  }

  @Get(':name')
  @ApiOperation({ summary: 'One API key (secret masked)' })
  @ApiOkResponse({ type: KeyConfigDto })
  async get(@Param('name') name: string): Promise<Record<string, unknown>> {
    const record = await this.keys.findByName(name);
    if (!record) throw notFound(`API key '${name}' not found`);
    return keyConfigOf(record);
  }

  @Audited()
  @Put(':name')
  @ApiOperation({ summary: 'Create or replace an API key' })
  @ApiBody({ type: KeyConfigDto })
  @ApiOkResponse({ type: KeySaveResultDto })
  @RefuseManaged('key', 'name')
  async put(@Param('name') name: string, @Body() body: unknown): Promise<KeySaveResultDto> {
    const config = validateBody(KeyConfigDto, body);
    const existing = await this.keys.findByName(name);
    await this.save(name, config, existing);
    return { success: true, name };
  }

  @Audited()
  @Patch(':name')
  @ApiOperation({ summary: 'Merge fields into an API key, then validate the result' })
  @ApiBody({ schema: { type: 'object', additionalProperties: true } })
  @ApiOkResponse({ type: KeySaveResultDto })
  @RefuseManaged('key', 'name')
  async patch(@Param('name') name: string, @Body() body: unknown): Promise<KeySaveResultDto> {
    const existing = await this.keys.findByName(name);
    if (!existing) throw notFound(`API key '${name}' not found`);
    const merged = {
      secret: existing.secret,
      comment: existing.comment ?? undefined,
      ...existing.policy,
      ...(body as object),
    };
    await this.save(name, validateBody(KeyConfigDto, merged), existing);
    return { success: true, name };
  }

  @Audited()
  @Delete(':name')
  @ApiOperation({ summary: 'Delete an API key' })
  @ApiOkResponse({ type: SuccessDto })
  @RefuseManaged('key', 'name')
  async delete(@Param('name') name: string): Promise<SuccessDto> {
    if (!(await this.keys.delete(name))) throw notFound(`API key '${name}' not found`);
    await this.bus.publish('keys');
    return { success: true };
  }

  @Audited()
  @Post(':name/disable')
  @ApiOperation({ summary: 'Disable an API key now' })
  @ApiOkResponse({ type: SuccessDto })
  @RefuseManaged('key', 'name')
  async disable(@Param('name') name: string): Promise<SuccessDto> {
    const existing = await this.keys.findByName(name);
    if (!existing) throw notFound(`API key '${name}' not found`);
    await this.keys.upsert({ ...existing, disabledAt: existing.disabledAt ?? new Date() });
    await this.bus.publish('keys');
    return { success: true };
  }

  private async save(name: string, config: KeyConfigDto, existing: ApiKeyRecord | null): Promise<void> {
    if (name.includes('*')) {
      throw validationFailed([{ path: ['name'], message: "Key names may not contain '*'", code: 'invalid_string' }]);
    }
    if (existing && config.expiresInMinutes !== undefined) {
      throw validationFailed([
        {
          path: ['expiresInMinutes'],
          message: 'expiresInMinutes can only be set when the key is created',
          code: 'immutable',
        },
      ]);
    }
    const secretHash = hashSecret(config.secret);
    const clash = (await this.keys.findAll()).find((key) => key.secretHash === secretHash && key.name !== name);
    if (clash)
      throw validationFailed([
        { path: ['secret'], message: 'This secret is already used by another key', code: 'duplicate' },
      ]);
    const policy: ApiKeyPolicy = {};
    for (const field of POLICY_FIELDS)
      if (config[field] !== undefined && config[field] !== null) Object.assign(policy, { [field]: config[field] });
    if (config.quota === null) policy.quota = null;
    const unknown = await this.quotaDefinitions.unknown(assignedQuotaNames(policy));
    if (unknown.length > 0) {
      throw validationFailed([
        {
          path: [config.quotas?.includes(unknown[0]) ? 'quotas' : 'quota'],
          message: `Unknown user quota: ${unknown.join(', ')}`,
          code: 'unknown_quota',
        },
      ]);
    }
    await this.keys.upsert({
      name,
      secret: config.secret,
      secretHash,
      comment: config.comment ?? null,
      policy,
      expiresAt:
        existing?.expiresAt ??
        (config.expiresInMinutes === undefined ? null : new Date(Date.now() + config.expiresInMinutes * 60_000)),
      disabledAt: existing?.disabledAt ?? null,
    });
    await this.bus.publish('keys');
  }
}

export function keyConfigOf(record: ApiKeyRecord): Record<string, unknown> {
  return {
    secret: maskSecret(record.secret),
    ...(record.comment !== null && { comment: record.comment }),
    ...record.policy,
    ...(record.expiresAt !== null && { expiresAt: record.expiresAt.getTime() }),
    ...(record.disabledAt !== null && { disabledAt: record.disabledAt.getTime() }),
    ...(record.managed === true && { managed: true }),
  };
}
