import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { LessThan, type DataSource } from 'typeorm';
import { ProviderCooldownEntity } from '../entities/provider-cooldown.entity';

export interface CooldownRecord {
  provider: string;
  /** '' for a provider-wide cooldown. */
  model: string;
  expiresAt: Date;
  consecutiveFailures: number;
  lastError: string | null;
  updatedAt: Date;
}

/** The `provider_cooldowns` table: what the cooldown service writes behind its memory. */
@Injectable()
export class CooldownRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findAll(): Promise<CooldownRecord[]> {
    const rows = await this.dataSource
      .getRepository(ProviderCooldownEntity)
      .find({ order: { provider: 'ASC', model: 'ASC' } });
    return rows.map((row) => ({ ...row }));
  }

  /** Creates or replaces the row of the record's provider+model. */
  async upsert(record: CooldownRecord): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO provider_cooldowns (provider, model, expires_at, consecutive_failures, last_error, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (provider, model) DO UPDATE SET
         expires_at = EXCLUDED.expires_at,
         consecutive_failures = EXCLUDED.consecutive_failures,
         last_error = EXCLUDED.last_error,
         updated_at = EXCLUDED.updated_at`,
      [record.provider, record.model, record.expiresAt, record.consecutiveFailures, record.lastError, record.updatedAt],
    );
  }

  /** One provider+model (`model = ''`: the provider-wide row only). */
  async delete(provider: string, model: string): Promise<boolean> {
    const result = await this.dataSource.getRepository(ProviderCooldownEntity).delete({ provider, model });
    return (result.affected ?? 0) > 0;
  }

  /** Every row of one provider, provider-wide and per model. */
  async deleteProvider(provider: string): Promise<number> {
    const result = await this.dataSource.getRepository(ProviderCooldownEntity).delete({ provider });
    return result.affected ?? 0;
  }

  async deleteAll(): Promise<number> {
    const result = await this.dataSource.createQueryBuilder().delete().from(ProviderCooldownEntity).execute();
    return result.affected ?? 0;
  }

  /** Rows whose cooldown ended before `cutoff` (their failure count is forgotten). */
  async deleteExpiredBefore(cutoff: Date): Promise<number> {
    const result = await this.dataSource.getRepository(ProviderCooldownEntity).delete({ expiresAt: LessThan(cutoff) });
    return result.affected ?? 0;
  }
}
