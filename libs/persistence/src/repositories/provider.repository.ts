import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ProviderModelEntity } from '../entities/provider-model.entity';
import { ProviderEntity, type ApiBaseUrl } from '../entities/provider.entity';

export interface ProviderRecord {
  slug: string;
  displayName: string | null;
  apiBaseUrl: ApiBaseUrl;
  apiKey: string | null;
  enabled: boolean;
  settings: Record<string, unknown>;
  /** Model name to its config, in declared order. */
  models: Array<{ name: string; config: Record<string, unknown> }>;
  /** From the declarative config file; left as stored when absent. */
  managed?: boolean;
}

@Injectable()
export class ProviderRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findAll(): Promise<ProviderRecord[]> {
    const rows = await this.dataSource.getRepository(ProviderEntity).find({
      relations: { models: true },
      order: { slug: 'ASC' },
    });
    return rows.map(toRecord);
  }

  async findBySlug(slug: string): Promise<ProviderRecord | null> {
    const row = await this.dataSource
      .getRepository(ProviderEntity)
      .findOne({ where: { slug }, relations: { models: true } });
    return row ? toRecord(row) : null;
  }

  /** Creates or replaces the provider and its whole model list, atomically. */
  async upsert(record: ProviderRecord): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const providers = manager.getRepository(ProviderEntity);
      const existing = await providers.findOne({ where: { slug: record.slug } });
      const provider = existing ?? providers.create({ slug: record.slug });
      provider.displayName = record.displayName;
      provider.apiBaseUrl = record.apiBaseUrl;
      provider.apiKey = record.apiKey;
      provider.enabled = record.enabled;
      provider.settings = record.settings;
      if (record.managed !== undefined) provider.managed = record.managed;
      const saved = await providers.save(provider);
      const models = manager.getRepository(ProviderModelEntity);
      await models.delete({ providerId: saved.id });
      if (record.models.length > 0) {
        await models.save(
          record.models.map((model, sortOrder) =>
            models.create({ providerId: saved.id, modelName: model.name, config: model.config, sortOrder }),
          ),
        );
      }
    });
  }

  async delete(slug: string): Promise<boolean> {
    const result = await this.dataSource.getRepository(ProviderEntity).delete({ slug });
    return (result.affected ?? 0) > 0;
  }
}

function toRecord(row: ProviderEntity): ProviderRecord {
  return {
    slug: row.slug,
    displayName: row.displayName,
    apiBaseUrl: row.apiBaseUrl,
    apiKey: row.apiKey,
    enabled: row.enabled,
    settings: row.settings,
    managed: row.managed,
    models: [...(row.models ?? [])]
      .sort((a, b) => a.sortOrder - b.sortOrder)
      .map((model) => ({ name: model.modelName, config: model.config })),
  };
}
