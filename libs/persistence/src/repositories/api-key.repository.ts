import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ApiKeyEntity, type ApiKeyPolicy } from '../entities/api-key.entity';

export interface ApiKeyRecord {
  name: string;
  secret: string;
  secretHash: string;
  comment: string | null;
  policy: ApiKeyPolicy;
  expiresAt: Date | null;
  disabledAt: Date | null;
  /** From the declarative config file; left as stored when absent. */
  managed?: boolean;
}

@Injectable()
export class ApiKeyRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findAll(): Promise<ApiKeyRecord[]> {
    const rows = await this.dataSource.getRepository(ApiKeyEntity).find({ order: { name: 'ASC' } });
    return rows.map(toRecord);
  }

  async findByName(name: string): Promise<ApiKeyRecord | null> {
    const row = await this.dataSource.getRepository(ApiKeyEntity).findOne({ where: { name } });
    return row ? toRecord(row) : null;
  }

  async upsert(record: ApiKeyRecord): Promise<void> {
    await this.dataSource
      .getRepository(ApiKeyEntity)
      .upsert({ ...record, updatedAt: new Date() }, { conflictPaths: ['name'] });
  }

  async delete(name: string): Promise<boolean> {
    const result = await this.dataSource.getRepository(ApiKeyEntity).delete({ name });
    return (result.affected ?? 0) > 0;
  }
}

function toRecord(row: ApiKeyEntity): ApiKeyRecord {
  return {
    name: row.name,
    secret: row.secret,
    secretHash: row.secretHash,
    comment: row.comment,
    policy: row.policy,
    expiresAt: row.expiresAt,
    disabledAt: row.disabledAt,
    managed: row.managed,
  };
}
