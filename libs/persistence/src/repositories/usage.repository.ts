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
