import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Between, LessThan, LessThanOrEqual, MoreThanOrEqual, Not, type DataSource, type FindOptionsWhere } from 'typeorm';
import { RequestUsageEntity } from '../entities/request-usage.entity';

export type UsageRow = Omit<RequestUsageEntity, never>;

export type UsageBucket = 'hour' | 'day' | 'week' | 'month';

export interface UsageBucketRow {
  bucketStartMs: number;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  errors: number;
  totalDurationMs: number;
  costUsd: number;
}

export const USAGE_SORT_COLUMNS = ['startTime', 'apiKey', 'provider', 'incomingModelAlias', 'durationMs', 'costTotal'] as const;

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
  /** Only requests that did not succeed. */
  failedOnly?: boolean;
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

  /**
   * Totals per time bucket (UTC) over [from, to), optionally for one API key. One
   * aggregate query: PostgreSQL groups by `date_trunc`, nothing is loaded row by row.
   */
  async buckets(params: { from: Date; to: Date; bucket: UsageBucket; apiKey?: string }): Promise<UsageBucketRow[]> {
    const rows = await this.dataSource.query<Array<Record<string, string | null>>>(
      `SELECT (extract(epoch FROM date_trunc($1, start_time AT TIME ZONE 'UTC')) * 1000)::bigint AS bucket_ms,
              count(*) AS requests,
              coalesce(sum(tokens_input), 0) AS input_tokens,
              coalesce(sum(tokens_output), 0) AS output_tokens,
              coalesce(sum(tokens_cached), 0) AS cached_tokens,
              coalesce(sum(tokens_cache_write), 0) AS cache_write_tokens,
              coalesce(sum(tokens_reasoning), 0) AS reasoning_tokens,
              count(*) FILTER (WHERE response_status <> 'success') AS errors,
              coalesce(sum(duration_ms), 0) AS total_duration_ms,
              coalesce(sum(cost_total), 0) AS cost_usd
         FROM request_usage
        WHERE start_time >= $2 AND start_time < $3 AND ($4::varchar IS NULL OR api_key = $4)
        GROUP BY bucket_ms
        ORDER BY bucket_ms`,
      [params.bucket, params.from, params.to, params.apiKey ?? null],
    );
    return rows.map((row) => ({
      bucketStartMs: Number(row['bucket_ms']),
      requests: Number(row['requests']),
      inputTokens: Number(row['input_tokens']),
      outputTokens: Number(row['output_tokens']),
      cachedTokens: Number(row['cached_tokens']),
      cacheWriteTokens: Number(row['cache_write_tokens']),
      reasoningTokens: Number(row['reasoning_tokens']),
      errors: Number(row['errors']),
      totalDurationMs: Number(row['total_duration_ms']),
      costUsd: Number(row['cost_usd']),
    }));
  }

  /** Deletes rows that started before `cutoff` (all rows without one); returns how many. */
  async deleteOlderThan(cutoff?: Date): Promise<number> {
    const repository = this.dataSource.getRepository(RequestUsageEntity);
    const result = cutoff ? await repository.delete({ startTime: LessThan(cutoff) }) : await repository.createQueryBuilder().delete().execute();
    return result.affected ?? 0;
  }

  /** Deletes up to `limit` rows older than `cutoff`, so a large backlog never holds one long lock. */
  async deleteBatchOlderThan(cutoff: Date, limit: number): Promise<number> {
    const result = await this.dataSource.query<[unknown[], number]>(
      `DELETE FROM request_usage WHERE request_id IN
         (SELECT request_id FROM request_usage WHERE start_time < $1 ORDER BY start_time LIMIT $2)`,
      [cutoff, limit],
    );
    return result[1];
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
  else if (query.failedOnly) where.responseStatus = Not('success');
  return where;
}
