import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { LessThan, type DataSource } from 'typeorm';
import { McpRequestUsageEntity } from '../entities/mcp-request-usage.entity';
import { McpServerKeyEntity } from '../entities/mcp-server-key.entity';

export interface McpServerKeyRecord {
  id: number;
  serverName: string;
  key: string;
  isActive: boolean;
}

export interface McpUsageRow {
  requestId: string;
  createdAt: Date;
  startTime: number;
  durationMs: number;
  serverName: string;
  upstreamUrl: string | null;
  method: string;
  jsonrpcMethod: string | null;
  toolName: string | null;
  apiKey: string | null;
  attribution: string | null;
  sourceIp: string | null;
  responseStatus: number;
  isStreamed: boolean;
  errorCode: string | null;
  errorMessage: string | null;
}

export interface McpUsageQuery {
  limit: number;
  offset: number;
  serverName?: string;
  apiKey?: string;
}

/** The upstream keys of MCP servers (`mcp_server_keys`, keys encrypted at rest). */
@Injectable()
export class McpServerKeyRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findAll(): Promise<McpServerKeyRecord[]> {
    const rows = await this.dataSource.getRepository(McpServerKeyEntity).find({ order: { id: 'ASC' } });
    return rows.map(({ id, serverName, key, isActive }) => ({ id, serverName, key, isActive }));
  }

  async insert(serverName: string, key: string, isActive: boolean): Promise<McpServerKeyRecord> {
    const saved = await this.dataSource.getRepository(McpServerKeyEntity).save({ serverName, key, isActive });
    return { id: saved.id, serverName, key, isActive };
  }

  async delete(serverName: string, id: number): Promise<boolean> {
    const result = await this.dataSource.getRepository(McpServerKeyEntity).delete({ serverName, id });
    return (result.affected ?? 0) > 0;
  }

  async deleteServer(serverName: string): Promise<void> {
    await this.dataSource.getRepository(McpServerKeyEntity).delete({ serverName });
  }
}

/** `mcp_request_usage`: one row per proxied MCP request, newest first. */
@Injectable()
export class McpUsageRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insertMany(rows: McpUsageRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.dataSource
      .getRepository(McpRequestUsageEntity)
      .insert(rows.map((row) => ({ ...row, startTime: String(row.startTime) })));
  }

  async page(query: McpUsageQuery): Promise<{ rows: McpUsageRow[]; total: number }> {
    const [rows, total] = await this.dataSource.getRepository(McpRequestUsageEntity).findAndCount({
      where: {
        ...(query.serverName !== undefined && { serverName: query.serverName }),
        ...(query.apiKey !== undefined && { apiKey: query.apiKey }),
      },
      order: { createdAt: 'DESC', requestId: 'DESC' },
      take: query.limit,
      skip: query.offset,
    });
    return { rows: rows.map(toRow), total };
  }

  async findOne(requestId: string): Promise<McpUsageRow | null> {
    const row = await this.dataSource.getRepository(McpRequestUsageEntity).findOne({ where: { requestId } });
    return row ? toRow(row) : null;
  }

  async delete(requestId: string): Promise<boolean> {
    const result = await this.dataSource.getRepository(McpRequestUsageEntity).delete({ requestId });
    return (result.affected ?? 0) > 0;
  }

  /** Every row, or those created before `before`. */
  async deleteOlderThan(before: Date | null): Promise<number> {
    const repository = this.dataSource.getRepository(McpRequestUsageEntity);
    const result =
      before === null ? await repository.clear() : await repository.delete({ createdAt: LessThan(before) });
    return result?.affected ?? 0;
  }
}

function toRow(row: McpRequestUsageEntity): McpUsageRow {
  return {
    requestId: row.requestId,
    createdAt: row.createdAt,
    startTime: Number(row.startTime),
    durationMs: row.durationMs,
    serverName: row.serverName,
    upstreamUrl: row.upstreamUrl,
    method: row.method,
    jsonrpcMethod: row.jsonrpcMethod,
    toolName: row.toolName,
    apiKey: row.apiKey,
    attribution: row.attribution,
    sourceIp: row.sourceIp,
    responseStatus: row.responseStatus,
    isStreamed: row.isStreamed,
    errorCode: row.errorCode,
    errorMessage: row.errorMessage,
  };
}
