import { Injectable } from '@nestjs/common';
import { hashSecret } from '@plexus/auth';
import { ApiKeyRepository, ConfigChangeBus, type ApiKeyPolicy, type ApiKeyRecord } from '@plexus/persistence';
import { QuotaDefinitions, assignedQuotaNames } from '@plexus/quota';
import { invalidField } from '../common/management-error';
import { notFound, validateBody } from '../common/validation';
import { KeyConfigDto } from './key.dto';
import { keyConfigOf, POLICY_FIELDS } from './key-config.mapper';

/** API keys: unique secrets, names without '*', expiry fixed at creation, quotas that exist. */
@Injectable()
export class KeysService {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly bus: ConfigChangeBus,
    private readonly quotaDefinitions: QuotaDefinitions,
  ) {}

  async list(): Promise<Record<string, Record<string, unknown>>> {
    const records = await this.keys.findAll();
    return Object.fromEntries(records.map((record) => [record.name, keyConfigOf(record)]));
  }

  async get(name: string): Promise<Record<string, unknown>> {
    return keyConfigOf(await this.existing(name));
  }

  async replace(name: string, config: KeyConfigDto): Promise<void> {
    await this.save(name, config, await this.keys.findByName(name));
  }

  async merge(name: string, changes: unknown): Promise<void> {
    const existing = await this.existing(name);
    const merged = {
      secret: existing.secret,
      comment: existing.comment ?? undefined,
      ...existing.policy,
      ...(changes as object),
    };
    await this.save(name, validateBody(KeyConfigDto, merged), existing);
  }

  async delete(name: string): Promise<void> {
    if (!(await this.keys.delete(name))) throw notFound(`API key '${name}' not found`);
    await this.bus.publish('keys');
  }

  async disable(name: string): Promise<void> {
    const existing = await this.existing(name);
    await this.keys.upsert({ ...existing, disabledAt: existing.disabledAt ?? new Date() });
    await this.bus.publish('keys');
  }

  private async existing(name: string): Promise<ApiKeyRecord> {
    const record = await this.keys.findByName(name);
    if (!record) throw notFound(`API key '${name}' not found`);
    return record;
  }

  private async save(name: string, config: KeyConfigDto, existing: ApiKeyRecord | null): Promise<void> {
    if (name.includes('*')) throw invalidField('name', "Key names may not contain '*'", 'invalid_string');
    if (existing && config.expiresInMinutes !== undefined) {
      throw invalidField('expiresInMinutes', 'expiresInMinutes can only be set when the key is created', 'immutable');
    }
    const secretHash = hashSecret(config.secret);
    const clash = (await this.keys.findAll()).find((key) => key.secretHash === secretHash && key.name !== name);
    if (clash) throw invalidField('secret', 'This secret is already used by another key', 'duplicate');
    const policy = policyOf(config);
    const unknown = await this.quotaDefinitions.unknown(assignedQuotaNames(policy));
    if (unknown.length > 0) {
      const field = config.quotas?.includes(unknown[0]) ? 'quotas' : 'quota';
      throw invalidField(field, `Unknown user quota: ${unknown.join(', ')}`, 'unknown_quota');
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

function policyOf(config: KeyConfigDto): ApiKeyPolicy {
  const policy: ApiKeyPolicy = {};
  for (const field of POLICY_FIELDS)
    if (config[field] !== undefined && config[field] !== null) Object.assign(policy, { [field]: config[field] });
  if (config.quota === null) policy.quota = null;
  return policy;
}
