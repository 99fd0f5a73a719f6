import { Injectable } from '@nestjs/common';
import { ApiKeyRepository, ConfigChangeBus, UserQuotaRepository, type UserQuotaRecord } from '@plexus/persistence';
import { QuotaService, assignedQuotaNames } from '@plexus/quota';
import { invalidField } from '../common/management-error';
import { notFound, validateBody, validationFailed } from '../common/validation';
import {
  QUOTA_NAME,
  UserQuotaDefinitionDto,
  type UserQuotaDefinitionViewDto,
  type UserQuotaInUseDto,
  type UserQuotaNamedDto,
  type UserQuotaSaveResultDto,
} from './user-quota.dto';
import { userQuotaRecordFrom, viewOf } from './user-quota.mapper';

/** User quota definitions: named limits assigned to keys; one held by a key can't be deleted. */
@Injectable()
export class UserQuotasService {
  constructor(
    private readonly repository: UserQuotaRepository,
    private readonly keys: ApiKeyRepository,
    private readonly quotas: QuotaService,
    private readonly bus: ConfigChangeBus,
  ) {}

  async list(): Promise<Record<string, UserQuotaDefinitionViewDto>> {
    const records = await this.repository.findAll();
    return Object.fromEntries(records.map((record) => [record.name, viewOf(record)]));
  }

  async get(name: string): Promise<UserQuotaNamedDto> {
    return { name, ...viewOf(await this.existing(name)) };
  }

  replace(name: string, config: UserQuotaDefinitionDto): Promise<UserQuotaSaveResultDto> {
    if (!QUOTA_NAME.test(name)) {
      throw invalidField(
        'name',
        'Quota names are 2-63 lowercase letters, digits, hyphens or underscores, starting with a letter or digit',
        'invalid_string',
      );
    }
    return this.save(name, config);
  }

  async merge(name: string, changes: unknown): Promise<UserQuotaSaveResultDto> {
    const existing = await this.existing(name);
    if (typeof changes !== 'object' || changes === null || Array.isArray(changes)) {
      throw validationFailed([{ path: [], message: 'Body must be a JSON object', code: 'invalid_type' }]);
    }
    return this.save(name, validateBody(UserQuotaDefinitionDto, { ...viewOf(existing), ...changes }));
  }

  /** Deletes a definition, or answers the keys still holding it (the reference's 409 body). */
  async delete(name: string): Promise<{ deleted: true } | { deleted: false; refusal: UserQuotaInUseDto }> {
    await this.existing(name);
    const holders = (await this.keys.findAll())
      .filter((key) => assignedQuotaNames(key.policy).includes(name))
      .map((key) => key.name);
    if (holders.length > 0) {
      return {
        deleted: false,
        refusal: {
          success: false,
          error: 'quota_in_use',
          message: `User quota '${name}' is still assigned to ${holders.length === 1 ? 'key' : 'keys'} ${holders.map((key) => `'${key}'`).join(', ')}`,
        },
      };
    }
    await this.repository.delete(name);
    await this.quotas.forget(name);
    await this.bus.publish('user-quotas');
    return { deleted: true };
  }

  private async existing(name: string): Promise<UserQuotaRecord> {
    const record = await this.repository.findByName(name);
    if (!record) throw notFound(`User quota '${name}' not found`);
    return record;
  }

  private async save(name: string, config: UserQuotaDefinitionDto): Promise<UserQuotaSaveResultDto> {
    const record = userQuotaRecordFrom(name, config);
    await this.repository.upsert(record);
    await this.bus.publish('user-quotas');
    return { success: true, name, quota: viewOf(record) };
  }
}
