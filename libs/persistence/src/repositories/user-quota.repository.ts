import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import {
  UserQuotaDefinitionEntity,
  type QuotaLimitType,
  type QuotaWindowType,
} from '../entities/user-quota-definition.entity';

export interface UserQuotaRecord {
  name: string;
  type: QuotaWindowType;
  limitType: QuotaLimitType;
  limit: number;
  duration: string | null;
  shared: boolean;
  warnAt: number | null;
  /** From the declarative config file; left as stored when absent. */
  managed?: boolean;
}

/** The `user_quota_definitions` table. */
@Injectable()
export class UserQuotaRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findAll(): Promise<UserQuotaRecord[]> {
    const rows = await this.dataSource.getRepository(UserQuotaDefinitionEntity).find({ order: { name: 'ASC' } });
    return rows.map(toRecord);
  }

  async findByName(name: string): Promise<UserQuotaRecord | null> {
    const row = await this.dataSource.getRepository(UserQuotaDefinitionEntity).findOne({ where: { name } });
    return row ? toRecord(row) : null;
  }

  async upsert(record: UserQuotaRecord): Promise<void> {
    await this.dataSource
      .getRepository(UserQuotaDefinitionEntity)
      .upsert({ ...record, updatedAt: new Date() }, { conflictPaths: ['name'] });
  }

  async delete(name: string): Promise<boolean> {
    const result = await this.dataSource.getRepository(UserQuotaDefinitionEntity).delete({ name });
    return (result.affected ?? 0) > 0;
  }
}

function toRecord(row: UserQuotaDefinitionEntity): UserQuotaRecord {
  return {
    name: row.name,
    type: row.type,
    limitType: row.limitType,
    limit: row.limit,
    duration: row.duration,
    shared: row.shared,
    warnAt: row.warnAt,
    managed: row.managed,
  };
}
