import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { QuotaStateEntity } from '../entities/quota-state.entity';

export interface QuotaStateRecord {
  /** The API key's name, or `*` for a shared quota's pooled bucket. */
  bucketKey: string;
  quotaName: string;
  limitType: string;
  currentUsage: number;
  /** Epoch ms of the calendar window's start; null for rolling quotas. */
  windowStart: number | null;
  /** Epoch ms. */
  lastUpdated: number;
  /** Orders two writes with the same lastUpdated (Redis counts each bucket's writes). */
  version: number;
}

/** Rows per INSERT: 7 parameters each, well under PostgreSQL's 65535. */
const BATCH = 500;

/** The `quota_state` table: the durable copy of every quota bucket. */
@Injectable()
export class QuotaStateRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findAll(): Promise<QuotaStateRecord[]> {
    const rows = await this.dataSource.getRepository(QuotaStateEntity).find();
    return rows.map((row) => ({
      bucketKey: row.bucketKey,
      quotaName: row.quotaName,
      limitType: row.limitType,
      currentUsage: row.currentUsage,
      windowStart: row.windowStart?.getTime() ?? null,
      lastUpdated: row.lastUpdated.getTime(),
      version: Number(row.version),
    }));
  }

  /**
   * Creates or replaces each bucket's row, unless the stored row is newer by
   * (lastUpdated, version): replicas writing the same bucket behind Redis may arrive out
   * of order.
   */
  async upsertMany(records: QuotaStateRecord[]): Promise<void> {
    for (let offset = 0; offset < records.length; offset += BATCH) {
      const batch = records.slice(offset, offset + BATCH);
      const values: unknown[] = [];
      const tuples = batch.map((record, index) => {
        const base = index * 7;
        values.push(
          record.bucketKey,
          record.quotaName,
          record.limitType,
          record.currentUsage,
          record.windowStart === null ? null : new Date(record.windowStart),
          new Date(record.lastUpdated),
          record.version,
        );
        return `($${base + 1}, $${base + 2}, $${base + 3}, $${base + 4}, $${base + 5}, $${base + 6}, $${base + 7})`;
      });
      await this.dataSource.query(
        `INSERT INTO quota_state (bucket_key, quota_name, limit_type, current_usage, window_start, last_updated, version)
         VALUES ${tuples.join(', ')}
         ON CONFLICT (bucket_key, quota_name) DO UPDATE SET
           limit_type = EXCLUDED.limit_type,
           current_usage = EXCLUDED.current_usage,
           window_start = EXCLUDED.window_start,
           last_updated = EXCLUDED.last_updated,
           version = EXCLUDED.version
         WHERE (quota_state.last_updated, quota_state.version) <= (EXCLUDED.last_updated, EXCLUDED.version)`,
        values,
      );
    }
  }

  /** One bucket's rows: every quota of it, or only `quotaName`. */
  async deleteBucket(bucketKey: string, quotaName?: string): Promise<number> {
    const result = await this.dataSource
      .getRepository(QuotaStateEntity)
      .delete(quotaName === undefined ? { bucketKey } : { bucketKey, quotaName });
    return result.affected ?? 0;
  }

  /** Every bucket of one quota definition (when the definition is deleted). */
  async deleteQuota(quotaName: string): Promise<number> {
    const result = await this.dataSource.getRepository(QuotaStateEntity).delete({ quotaName });
    return result.affected ?? 0;
  }
}
