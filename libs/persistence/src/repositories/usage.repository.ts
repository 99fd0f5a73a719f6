import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Between, LessThan, LessThanOrEqual, MoreThanOrEqual, type DataSource, type FindOptionsWhere } from 'typeorm';
import { RequestUsageEntity } from '../entities/request-usage.entity';

export type UsageRow = Omit<RequestUsageEntity, never>;

export const USAGE_SORT_COLUMNS = ['startTime', 'apiKey', 'provider', 'incomingModelAlias', 'durationMs'] as const;

export interface UsageQuery {
  limit: number;
  offset: number;
  sortBy?: (typeof USAGE_SORT_COLUMNS)[number];
  sortDir?: 'ASC' | 'DESC';
  startDate?: Date;
  endDate?: Date;
  apiKey?: string;
  attribution?: string;
  incomingApiType?: string;
  outgoingApiType?: string;
  provider?: string;
  incomingModelAlias?: string;
  selectedModelName?: string;
  responseStatus?: string;
  minDurationMs?: number;
  maxDurationMs?: number;
}

@Injectable()
export class UsageRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * One INSERT of the whole batch as a single JSON parameter, expanded by PostgreSQL:
   * TypeORM's query builder binds one parameter per column per row and handles them in
   * quadratic time, which made batch writes the gateway's largest CPU cost. Re-delivered
   * rows (same request id) are ignored.
   */
  async insertMany(rows: UsageRow[]): Promise<void> {
    if (rows.length === 0) return;
    const columns = this.columns();
    const records = rows.map((row) => Object.fromEntries(columns.map(({ property, column }) => [column, row[property]])));
    const names = columns.map(({ column }) => `"${column}"`).join(', ');
    await this.dataSource.query(
      `INSERT INTO request_usage (${names})
       SELECT ${names} FROM json_populate_recordset(NULL::request_usage, $1::json)
       ON CONFLICT (request_id) DO NOTHING`,
      [JSON.stringify(records)],
    );
  }

  private columnMap?: Array<{ property: keyof UsageRow; column: string }>;

  private columns(): Array<{ property: keyof UsageRow; column: string }> {
    this.columnMap ??= this.dataSource
      .getMetadata(RequestUsageEntity)
      .columns.map((column) => ({ property: column.propertyName as keyof UsageRow, column: column.databaseName }));
    return this.columnMap;
  }

  async find(query: UsageQuery): Promise<{ rows: RequestUsageEntity[]; total: number }> {
    const [rows, total] = await this.dataSource.getRepository(RequestUsageEntity).findAndCount({
      where: usageWhere(query),
      order: { [query.sortBy ?? 'startTime']: query.sortDir ?? 'DESC', requestId: 'ASC' },
      take: query.limit,
      skip: query.offset,
    });
    return { rows, total };
  }

  /** Deletes rows that started before `cutoff` (all rows without one); returns how many. */
  async deleteOlderThan(cutoff?: Date): Promise<number> {
    const repository = this.dataSource.getRepository(RequestUsageEntity);
    const result = cutoff ? await repository.delete({ startTime: LessThan(cutoff) }) : await repository.createQueryBuilder().delete().execute();
    return result.affected ?? 0;
  }

  async deleteById(requestId: string): Promise<boolean> {
    const result = await this.dataSource.getRepository(RequestUsageEntity).delete({ requestId });
    return (result.affected ?? 0) > 0;
  }

  async findById(requestId: string): Promise<RequestUsageEntity | null> {
    return this.dataSource.getRepository(RequestUsageEntity).findOne({ where: { requestId } });
  }
}

function usageWhere(query: UsageQuery): FindOptionsWhere<RequestUsageEntity> {
  const where: FindOptionsWhere<RequestUsageEntity> = {};
  if (query.startDate && query.endDate) where.startTime = Between(query.startDate, query.endDate);
  else if (query.startDate) where.startTime = MoreThanOrEqual(query.startDate);
  else if (query.endDate) where.startTime = LessThanOrEqual(query.endDate);
  if (query.minDurationMs !== undefined && query.maxDurationMs !== undefined) {
    where.durationMs = Between(query.minDurationMs, query.maxDurationMs);
  } else if (query.minDurationMs !== undefined) where.durationMs = MoreThanOrEqual(query.minDurationMs);
  else if (query.maxDurationMs !== undefined) where.durationMs = LessThanOrEqual(query.maxDurationMs);
  const exact = ['apiKey', 'attribution', 'incomingApiType', 'outgoingApiType', 'provider', 'incomingModelAlias', 'selectedModelName'] as const;
  for (const field of exact) if (query[field] !== undefined) where[field] = query[field];
  if (query.responseStatus !== undefined) where.responseStatus = query.responseStatus as RequestUsageEntity['responseStatus'];
  return where;
}
