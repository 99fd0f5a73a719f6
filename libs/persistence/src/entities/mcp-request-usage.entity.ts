import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One request through the MCP proxy (`/mcp/{name}`): who, which server and JSON-RPC method, how it ended. */
@Entity('mcp_request_usage')
@Index('idx_mcp_request_usage_created', ['createdAt'])
@Index('idx_mcp_request_usage_server', ['serverName', 'createdAt'])
export class McpRequestUsageEntity {
  @PrimaryColumn({ name: 'request_id', type: 'varchar', length: 64 })
  requestId!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'start_time', type: 'bigint' })
  startTime!: string;

  @Column({ name: 'duration_ms', type: 'integer' })
  durationMs!: number;

  @Column({ name: 'server_name', type: 'varchar', length: 64 })
  serverName!: string;

  @Column({ name: 'upstream_url', type: 'varchar', length: 2048, nullable: true })
  upstreamUrl!: string | null;

  @Column({ type: 'varchar', length: 10 })
  method!: string;

  @Column({ name: 'jsonrpc_method', type: 'varchar', length: 200, nullable: true })
  jsonrpcMethod!: string | null;

  @Column({ name: 'tool_name', type: 'varchar', length: 200, nullable: true })
  toolName!: string | null;

  @Column({ name: 'api_key', type: 'varchar', length: 200, nullable: true })
  apiKey!: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  attribution!: string | null;

  @Column({ name: 'source_ip', type: 'varchar', length: 64, nullable: true })
  sourceIp!: string | null;

  @Column({ name: 'response_status', type: 'integer' })
  responseStatus!: number;

  @Column({ name: 'is_streamed', type: 'boolean', default: false })
  isStreamed!: boolean;

  @Column({ name: 'error_code', type: 'varchar', length: 64, nullable: true })
  errorCode!: string | null;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage!: string | null;
}
