import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

export interface ConcurrencyBucketRow {
  bucketStart: Date;
  /** The provider or model the row counts, null when the request never got that far. */
  key: string | null;
  /** Requests running at some moment within the bucket. */
  count: number;
}

export interface ConcurrencyTimelineQuery {
  from: Date;
  to: Date;
  bucketMs: number;
  groupBy: 'provider' | 'model';
  apiKey?: string;
}

/** How many recorded requests overlapped each time bucket, from `request_usage` (start time plus duration). */
@Injectable()
export class ConcurrencyRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async timeline(query: ConcurrencyTimelineQuery): Promise<ConcurrencyBucketRow[]> {
    const column = query.groupBy === 'provider' ? 'u.provider' : 'u.selected_model_name';
    const rows = await this.dataSource.query<Array<{ bucket_start: Date; key: string | null; count: number }>>(
      `WITH buckets AS (
         SELECT generate_series($1::timestamptz, $2::timestamptz, make_interval(secs => $3::double precision / 1000)) AS bucket_start
       )
       SELECT b.bucket_start, ${column} AS key, count(*)::int AS count
       FROM buckets b
       JOIN request_usage u
         ON u.start_time < b.bucket_start + make_interval(secs => $3::double precision / 1000)
        AND u.start_time + make_interval(secs => coalesce(u.duration_ms, 0)::double precision / 1000) >= b.bucket_start
        AND u.start_time < $2::timestamptz
        -- no request runs for a day: this bound lets the start_time index narrow the scan
        AND u.start_time >= $1::timestamptz - interval '1 day'
        AND ($4::text IS NULL OR u.api_key = $4::text)
       WHERE b.bucket_start < $2::timestamptz
       GROUP BY b.bucket_start, ${column}
       ORDER BY b.bucket_start, key`,
      [query.from, query.to, query.bucketMs, query.apiKey ?? null],
    );
    return rows.map((row) => ({ bucketStart: new Date(row.bucket_start), key: row.key, count: Number(row.count) }));
  }
}
