import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ModelAliasEntity, type AliasTargetGroupRecord } from '../entities/model-alias.entity';

export interface AliasRecord {
  slug: string;
  aliasType: string;
  priority: string;
  targetGroups: AliasTargetGroupRecord[];
  additionalAliases: string[];
  settings: Record<string, unknown>;
  /** From the declarative config file; left as stored when absent. */
  managed?: boolean;
}

@Injectable()
export class AliasRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findAll(): Promise<AliasRecord[]> {
    const rows = await this.dataSource.getRepository(ModelAliasEntity).find({ order: { slug: 'ASC' } });
    return rows.map(toRecord);
  }

  async findBySlug(slug: string): Promise<AliasRecord | null> {
    const row = await this.dataSource.getRepository(ModelAliasEntity).findOne({ where: { slug } });
    return row ? toRecord(row) : null;
  }

  async upsert(record: AliasRecord): Promise<void> {
    const aliases = this.dataSource.getRepository(ModelAliasEntity);
    const alias = (await aliases.findOne({ where: { slug: record.slug } })) ?? aliases.create({ slug: record.slug });
    alias.aliasType = record.aliasType;
    alias.priority = record.priority;
    alias.targetGroups = record.targetGroups;
    alias.additionalAliases = record.additionalAliases;
    alias.settings = record.settings;
    if (record.managed !== undefined) alias.managed = record.managed;
    await aliases.save(alias);
  }

  async delete(slug: string): Promise<boolean> {
    const result = await this.dataSource.getRepository(ModelAliasEntity).delete({ slug });
    return (result.affected ?? 0) > 0;
  }
}

function toRecord(row: ModelAliasEntity): AliasRecord {
  return {
    slug: row.slug,
    aliasType: row.aliasType,
    priority: row.priority,
    targetGroups: row.targetGroups,
    additionalAliases: row.additionalAliases,
    settings: row.settings,
    managed: row.managed,
  };
}
