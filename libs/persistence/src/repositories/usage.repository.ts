import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  Between,
  LessThan,
  LessThanOrEqual,
  MoreThanOrEqual,
  Not,
  type DataSource,
  type FindOptionsWhere,
} from 'typeorm';
import { RequestUsageEntity } from '../entities/request-usage.entity';

export type UsageRow = Omit<RequestUsageEntity, never>;

export type UsageBucket = 'minute' | 'hour' | 'day' | 'week' | 'month';

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
  latency: UsageLatency;
}

/**
 * Continuous percentiles (PostgreSQL `percentile_cont`) over the successful requests only, so
 * duration and TTFT describe the same requests (every TTFT is at most its request's duration);
 * refusals and failures, often answered in a millisecond, would otherwise pull the duration
 * percentiles below the TTFT ones. Null without any.
 */
export interface UsageLatency {
  p50DurationMs: number | null;
  p95DurationMs: number | null;
  p99DurationMs: number | null;
  p50TtftMs: number | null;
  p95TtftMs: number | null;
  p99TtftMs: number | null;
}

/** What usage can be broken down by: the alias asked for, the provider, the API key, the provider model. */
/** One successful request's contribution to its key's quotas. */
export interface UsageCharge {
  /** Epoch ms of the request's start. */
  at: number;
  tokens: number;
  cost: number;
}

export type UsageDimension = 'alias' | 'provider' | 'key' | 'model' | 'attribution';

export interface UsageBreakdownRow extends Omit<UsageBucketRow, 'bucketStartMs'> {
  /** The alias, provider, key or model; null for requests that never had one (e.g. refused before routing). */
  key: string | null;
  /** The model's provider (dimension `model` only). */
  provider: string | null;
  /** The key's attribution, the `:label` suffix it was used with (dimension `attribution` only; null without one). */
  attribution: string | null;
}

const DIMENSION_COLUMNS: Record<UsageDimension, { key: string; provider: string; attribution: string }> = {
  alias: { key: 'incoming_model_alias', provider: 'NULL', attribution: 'NULL' },
  provider: { key: 'provider', provider: 'NULL', attribution: 'NULL' },
  key: { key: 'api_key', provider: 'NULL', attribution: 'NULL' },
  model: { key: 'selected_model_name', provider: 'provider', attribution: 'NULL' },
  attribution: { key: 'api_key', provider: 'NULL', attribution: 'attribution' },
};

/** The aggregate columns every usage summary query selects. */
const AGGREGATES = `count(*) AS requests,
              coalesce(sum(tokens_input), 0) AS input_tokens,
              coalesce(sum(tokens_output), 0) AS output_tokens,
              coalesce(sum(tokens_cached), 0) AS cached_tokens,
              coalesce(sum(tokens_cache_write), 0) AS cache_write_tokens,
              coalesce(sum(tokens_reasoning), 0) AS reasoning_tokens,
              count(*) FILTER (WHERE response_status <> 'success') AS errors,
              coalesce(sum(duration_ms), 0) AS total_duration_ms,
              coalesce(sum(cost_total), 0) AS cost_usd,
              percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY duration_ms)
                FILTER (WHERE response_status = 'success') AS duration_percentiles,
              percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY ttft_ms)
                FILTER (WHERE response_status = 'success') AS ttft_percentiles`;

type AggregateRow = Record<string, unknown>;

function aggregatesOf(row: AggregateRow): Omit<UsageBucketRow, 'bucketStartMs'> {
  // A float8[] (p50, p95, p99), null when no row in the group measured it.
  const percentiles = (value: unknown): Array<number | null> => {
    const list = Array.isArray(value) ? (value as unknown[]) : [];
    return [0, 1, 2].map((i) =>
      list[i] === null || list[i] === undefined ? null : Math.round(Number(list[i]) * 10) / 10,
    );
  };
  const [p50DurationMs, p95DurationMs, p99DurationMs] = percentiles(row['duration_percentiles']);
  const [p50TtftMs, p95TtftMs, p99TtftMs] = percentiles(row['ttft_percentiles']);
  return {
    requests: Number(row['requests']),
    inputTokens: Number(row['input_tokens']),
    outputTokens: Number(row['output_tokens']),
    cachedTokens: Number(row['cached_tokens']),
    cacheWriteTokens: Number(row['cache_write_tokens']),
    reasoningTokens: Number(row['reasoning_tokens']),
    errors: Number(row['errors']),
    totalDurationMs: Number(row['total_duration_ms']),
    costUsd: Number(row['cost_usd']),
    latency: { p50DurationMs, p95DurationMs, p99DurationMs, p50TtftMs, p95TtftMs, p99TtftMs },
  };
}

export const USAGE_SORT_COLUMNS = [
  'startTime',
  'apiKey',
  'provider',
  'incomingModelAlias',
  'durationMs',
  'costTotal',
] as const;

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
    const records = rows.map((row) =>
      Object.fromEntries(columns.map(({ property, column }) => [column, row[property]])),
    );
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
    const rows = await this.dataSource.query<AggregateRow[]>(
      `SELECT (extract(epoch FROM date_trunc($1, start_time AT TIME ZONE 'UTC')) * 1000)::bigint AS bucket_ms,
              ${AGGREGATES}
         FROM request_usage
        WHERE start_time >= $2 AND start_time < $3 AND ($4::varchar IS NULL OR api_key = $4)
        GROUP BY bucket_ms
        ORDER BY bucket_ms`,
      [params.bucket, params.from, params.to, params.apiKey ?? null],
    );
    return rows.map((row) => ({ bucketStartMs: Number(row['bucket_ms']), ...aggregatesOf(row) }));
  }

  /**
   * What the successful requests of these keys since `since` used, oldest first: tokens as
   * quotas count them (input, cached, cache writes, output) and cost. Rebuilds quota buckets.
   */
  async chargesSince(params: { apiKeys: string[]; since: Date }): Promise<UsageCharge[]> {
    if (params.apiKeys.length === 0) return [];
    const rows = await this.dataSource.query<
      Array<{ start_time: Date | string; tokens: string | number; cost: string | number }>
    >(
      `SELECT start_time, tokens_input + tokens_output + tokens_cached + tokens_cache_write AS tokens, cost_total AS cost
         FROM request_usage
        WHERE response_status = 'success' AND api_key = ANY($1) AND start_time >= $2
        ORDER BY start_time`,
      [params.apiKeys, params.since],
    );
    return rows.map((row) => ({
      at: new Date(row.start_time).getTime(),
      tokens: Number(row.tokens),
      cost: Number(row.cost),
    }));
  }

  /** The same totals over [from, to) in one row (zeros and null percentiles when there are no requests). */
  async totals(params: { from: Date; to: Date; apiKey?: string }): Promise<Omit<UsageBucketRow, 'bucketStartMs'>> {
    const [row] = await this.dataSource.query<AggregateRow[]>(
      `SELECT ${AGGREGATES}
         FROM request_usage
        WHERE start_time >= $1 AND start_time < $2 AND ($3::varchar IS NULL OR api_key = $3)`,
      [params.from, params.to, params.apiKey ?? null],
    );
    return aggregatesOf(row ?? {});
  }

  /** The same totals per alias, provider, key, provider model or key and attribution over [from, to), most requests first. */
  async breakdown(params: {
    from: Date;
    to: Date;
    by: UsageDimension;
    limit: number;
    apiKey?: string;
  }): Promise<UsageBreakdownRow[]> {
    const columns = DIMENSION_COLUMNS[params.by];
    const rows = await this.dataSource.query<AggregateRow[]>(
      `SELECT ${columns.key} AS key, ${columns.provider} AS provider, ${columns.attribution} AS attribution,
              ${AGGREGATES}
         FROM request_usage
        WHERE start_time >= $1 AND start_time < $2 AND ($3::varchar IS NULL OR api_key = $3)
        GROUP BY 1, 2, 3
        ORDER BY requests DESC, cost_usd DESC, key, attribution
        LIMIT $4`,
      [params.from, params.to, params.apiKey ?? null, params.limit],
    );
    return rows.map((row) => ({
      key: typeof row['key'] === 'string' ? row['key'] : null,
      provider: typeof row['provider'] === 'string' ? row['provider'] : null,
      attribution: typeof row['attribution'] === 'string' ? row['attribution'] : null,
      ...aggregatesOf(row),
    }));
  }

  /** Deletes rows that started before `cutoff` (all rows without one); returns how many. */
  async deleteOlderThan(cutoff?: Date): Promise<number> {
    const repository = this.dataSource.getRepository(RequestUsageEntity);
    const result = cutoff
      ? await repository.delete({ startTime: LessThan(cutoff) })
      : await repository.createQueryBuilder().delete().execute();
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

  /** Deletes every row of a request that did not succeed (the error log); returns how many. */
  async deleteFailed(): Promise<number> {
    const result = await this.dataSource.getRepository(RequestUsageEntity).delete({ responseStatus: Not('success') });
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
  const exact = [
    'apiKey',
    'attribution',
    'incomingApiType',
    'outgoingApiType',
    'provider',
    'incomingModelAlias',
    'selectedModelName',
  ] as const;
  for (const field of exact) if (query[field] !== undefined) where[field] = query[field];
  if (query.responseStatus !== undefined)
    where.responseStatus = query.responseStatus as RequestUsageEntity['responseStatus'];
  else if (query.failedOnly) where.responseStatus = Not('success');
  return where;
}
