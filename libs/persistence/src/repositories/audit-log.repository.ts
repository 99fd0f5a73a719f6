import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditLogEntity } from '../entities/audit-log.entity';

export type AuditActorKind = 'sso' | 'oidc' | 'admin-key' | 'api-key';

export interface AuditEntry {
  actor: string;
  actorKind: AuditActorKind;
  method: string;
  path: string;
  target: string | null;
  status: number;
  requestId: string | null;
  sourceIp: string | null;
}

export interface AuditRecord extends AuditEntry {
  id: number;
  occurredAt: Date;
}

export interface AuditQuery {
  limit: number;
  offset: number;
  actor?: string;
}

/** The append-only `audit_log` table, newest first. */
@Injectable()
export class AuditLogRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async record(entry: AuditEntry): Promise<void> {
    await this.dataSource.getRepository(AuditLogEntity).insert(entry);
  }

  async page(query: AuditQuery): Promise<{ records: AuditRecord[]; total: number }> {
    const [rows, total] = await this.dataSource.getRepository(AuditLogEntity).findAndCount({
      where: query.actor === undefined ? {} : { actor: query.actor },
      order: { occurredAt: 'DESC', id: 'DESC' },
      take: query.limit,
      skip: query.offset,
    });
    return { records: rows.map(toRecord), total };
  }
}

function toRecord(row: AuditLogEntity): AuditRecord {
  return {
    id: Number(row.id),
    occurredAt: row.occurredAt,
    actor: row.actor,
    actorKind: row.actorKind as AuditActorKind,
    method: row.method,
    path: row.path,
    target: row.target,
    status: row.status,
    requestId: row.requestId,
    sourceIp: row.sourceIp,
  };
}
