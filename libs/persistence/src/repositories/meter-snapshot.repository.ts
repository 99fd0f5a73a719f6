import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { MeterSnapshotEntity } from '../entities/meter-snapshot.entity';

/** A `meter_snapshots` row as the rest of the code sees it. */
export interface MeterSnapshotRecord {
  id?: number;
  checkerId: string;
  checkerType: string;
  provider: string;
  meterKey: string;
  kind: string;
  unit: string;
  label: string;
  group: string | null;
  scope: string | null;
  limit: number | null;
  used: number | null;
  remaining: number | null;
  utilizationState: string;
  utilizationPercent: number | null;
  status: string;
  periodValue: number | null;
  periodUnit: string | null;
  periodCycle: string | null;
  resetsAt: Date | null;
  success: boolean;
  errorMessage: string | null;
  checkedAt: Date;
  createdAt?: Date;
}

export interface MeterHistoryQuery {
  checkerId: string;
  meterKey?: string;
  since?: Date;
  limit?: number;
}

const HISTORY_LIMIT = 5000;

/** Provider quota meter readings, one row per meter per check. */
@Injectable()
export class MeterSnapshotRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(records: readonly MeterSnapshotRecord[]): Promise<void> {
    if (records.length === 0) return;
    const rows = records.map(({ id: _id, createdAt: _createdAt, ...rest }) => rest);
    await this.dataSource.createQueryBuilder().insert().into(MeterSnapshotEntity).values(rows).orIgnore().execute();
  }

  /** The rows of each checker's most recent check. */
  async latest(checkerIds?: readonly string[]): Promise<MeterSnapshotRecord[]> {
    const filter = checkerIds ? 'WHERE checker_id = ANY($1)' : '';
    const latest = await this.dataSource.query<Array<{ checker_id: string; checked_at: Date }>>(
      `SELECT checker_id, max(checked_at) AS checked_at FROM meter_snapshots ${filter} GROUP BY checker_id`,
      checkerIds ? [checkerIds] : [],
    );
    if (latest.length === 0) return [];
    const query = this.dataSource.getRepository(MeterSnapshotEntity).createQueryBuilder('s');
    latest.forEach((row, index) => {
      query.orWhere(`(s.checker_id = :c${index} AND s.checked_at = :t${index})`, {
        [`c${index}`]: row.checker_id,
        [`t${index}`]: row.checked_at,
      });
    });
    const rows = await query.orderBy('s.checker_id').addOrderBy('s.id').getMany();
    return rows.map((row) => ({ ...row }));
  }

  /** Most recent first. */
  async history(params: MeterHistoryQuery): Promise<MeterSnapshotRecord[]> {
    const query = this.dataSource
      .getRepository(MeterSnapshotEntity)
      .createQueryBuilder('s')
      .where('s.checker_id = :checkerId', { checkerId: params.checkerId });
    if (params.meterKey !== undefined) query.andWhere('s.meter_key = :meterKey', { meterKey: params.meterKey });
    if (params.since !== undefined) query.andWhere('s.checked_at >= :since', { since: params.since });
    const rows = await query
      .orderBy('s.checked_at', 'DESC')
      .addOrderBy('s.id', 'ASC')
      .take(params.limit ?? HISTORY_LIMIT)
      .getMany();
    return rows.map((row) => ({ ...row }));
  }

  async deleteOlderThan(cutoff: Date): Promise<number> {
    const result = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(MeterSnapshotEntity)
      .where('checked_at < :cutoff', { cutoff })
      .execute();
    return result.affected ?? 0;
  }
}
