import type { UserQuotaRecord } from '@plexus/persistence';
import type { UserQuotaDefinitionViewDto } from './user-quota.dto';

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
