import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { settingValueOf, storedSettingValue } from '../encryption/mcp-server-secrets';
import { SystemSettingEntity } from '../entities/system-setting.entity';

export interface SystemSettingRecord {
  key: string;
  value: unknown;
  updatedAt: Date;
}

/** The `system_settings` key/value table (JSON values; the MCP servers' secrets encrypted at rest). */
@Injectable()
export class SystemSettingsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findAll(): Promise<SystemSettingRecord[]> {
    const rows = await this.dataSource.getRepository(SystemSettingEntity).find({ order: { key: 'ASC' } });
    return rows.map((row) => ({ key: row.key, value: settingValueOf(row.key, row.value), updatedAt: row.updatedAt }));
  }

  /** The stored value, or undefined when the key was never set. */
  async get(key: string): Promise<unknown> {
    const row = await this.dataSource.getRepository(SystemSettingEntity).findOne({ where: { key } });
    return row ? settingValueOf(key, row.value) : undefined;
  }

  async set(key: string, value: unknown): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO system_settings (key, value, updated_at) VALUES ($1, $2::jsonb, now())
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`,
      [key, JSON.stringify(storedSettingValue(key, value))],
    );
  }

  async delete(key: string): Promise<boolean> {
    const result = await this.dataSource.getRepository(SystemSettingEntity).delete({ key });
    return (result.affected ?? 0) > 0;
  }
}
