import type { UserQuotaRecord } from '@plexus/persistence';
import type { UserQuotaDefinitionDto, UserQuotaDefinitionViewDto } from './user-quota.dto';

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

/** The record a validated definition stores (a duration only for rolling windows). */
export function userQuotaRecordFrom(name: string, config: UserQuotaDefinitionDto): UserQuotaRecord {
  return {
    name,
    type: config.type,
    limitType: config.limitType,
    limit: config.limit,
    duration: config.type === 'rolling' ? (config.duration ?? null) : null,
    shared: config.shared ?? false,
    warnAt: config.warnAt ?? null,
  };
}
