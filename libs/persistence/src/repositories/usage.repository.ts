import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { RequestUsageEntity } from '../entities/request-usage.entity';

export type UsageRow = Omit<RequestUsageEntity, never>;

export interface UsageQuery {
  limit: number;
  offset: number;
  apiKey?: string;
}

@Injectable()
export class UsageRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** One multi-row INSERT; re-delivered rows (same request id) are ignored. */
  async insertMany(rows: UsageRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(RequestUsageEntity)
      .values(rows)
      .orIgnore()
      .execute();
  }

  async find(query: UsageQuery): Promise<{ rows: RequestUsageEntity[]; total: number }> {
    const [rows, total] = await this.dataSource.getRepository(RequestUsageEntity).findAndCount({
      where: query.apiKey === undefined ? {} : { apiKey: query.apiKey },
      order: { startTime: 'DESC' },
      take: query.limit,
      skip: query.offset,
    });
    return { rows, total };
  }

  async findById(requestId: string): Promise<RequestUsageEntity | null> {
    return this.dataSource.getRepository(RequestUsageEntity).findOne({ where: { requestId } });
  }
}
