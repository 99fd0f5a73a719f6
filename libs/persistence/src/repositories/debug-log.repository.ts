import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DebugLogEntity } from '../entities/debug-log.entity';

export interface DebugLogRecord {
  requestId: string;
  apiKey: string | null;
  alias: string | null;
  provider: string | null;
  trace: Record<string, unknown>;
  createdAt: Date;
}

export interface DebugLogPage {
  rows: Array<{ requestId: string; createdAt: Date }>;
  total: number;
}

/** The `debug_logs` table. `apiKey` scopes every read and delete when given. */
@Injectable()
export class DebugLogRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(record: Omit<DebugLogRecord, 'createdAt'>): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO debug_logs (request_id, api_key, alias, provider, trace) VALUES ($1, $2, $3, $4, $5::jsonb)
       ON CONFLICT (request_id) DO UPDATE SET trace = EXCLUDED.trace, created_at = now()`,
      [record.requestId, record.apiKey, record.alias, record.provider, JSON.stringify(record.trace)],
    );
  }

  async list(params: { limit: number; offset: number; apiKey?: string }): Promise<DebugLogPage> {
    const [rows, total] = await this.dataSource.getRepository(DebugLogEntity).findAndCount({
      select: { requestId: true, createdAt: true },
      where: params.apiKey === undefined ? {} : { apiKey: params.apiKey },
      order: { createdAt: 'DESC' },
      take: params.limit,
      skip: params.offset,
    });
    return { rows: rows.map((row) => ({ requestId: row.requestId, createdAt: row.createdAt })), total };
  }

  async find(requestId: string, apiKey?: string): Promise<DebugLogRecord | null> {
    return this.dataSource
      .getRepository(DebugLogEntity)
      .findOne({ where: apiKey === undefined ? { requestId } : { requestId, apiKey } });
  }

  /** Which of these requests have a trace. */
  async existing(requestIds: string[]): Promise<Set<string>> {
    if (requestIds.length === 0) return new Set();
    const rows = await this.dataSource.query<Array<{ request_id: string }>>(
      `SELECT request_id FROM debug_logs WHERE request_id = ANY($1::uuid[])`,
      [requestIds],
    );
    return new Set(rows.map((row) => row.request_id));
  }

  async delete(requestId: string): Promise<boolean> {
    const result = await this.dataSource.getRepository(DebugLogEntity).delete({ requestId });
    return (result.affected ?? 0) > 0;
  }

  async deleteAll(): Promise<number> {
    const result = await this.dataSource.getRepository(DebugLogEntity).createQueryBuilder().delete().execute();
    return result.affected ?? 0;
  }

  /** Keeps the newest `keep` traces; returns how many older ones were removed. */
  async pruneTo(keep: number): Promise<number> {
    const result = await this.dataSource.query<[unknown[], number]>(
      `DELETE FROM debug_logs WHERE request_id IN (
         SELECT request_id FROM debug_logs ORDER BY created_at DESC, request_id OFFSET $1)`,
      [keep],
    );
    return result[1];
  }
}
