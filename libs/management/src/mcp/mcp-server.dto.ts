import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** An MCP server (the reference's McpServerConfig, plus the fields of servers the gateway runs itself). */
export class McpServerConfigDto {
  [field: string]: unknown;

  @ApiPropertyOptional({ enum: ['remote_http', 'local_http'], default: 'remote_http' })
  mode?: string;

  @ApiPropertyOptional({
    format: 'uri',
    description: 'Streamable HTTP endpoint of a remote server (required for remote_http)',
  })
  upstream_url?: string;

  @ApiPropertyOptional({ default: true })
  enabled?: boolean;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description:
      'Static headers sent upstream (responses show them masked; a masked value sent back keeps the stored one)',
  })
  headers?: Record<string, string>;

  @ApiPropertyOptional({ default: 'bearer', description: 'How an upstream key is sent: bearer, or a header name' })
  auth_scheme?: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 100,
    default: 60000,
    description: 'Longest wait for an answer, and longest silence inside a streamed one (504 upstream_timeout)',
  })
  timeout_ms?: number;

  @ApiPropertyOptional({ description: 'local_http: the program the gateway starts (no shell)' })
  command?: string;

  @ApiPropertyOptional({ type: [String], description: 'local_http: its arguments (masked in responses)' })
  args?: string[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'local_http: its environment (masked)',
  })
  env?: Record<string, string>;

  @ApiPropertyOptional({ type: 'integer', description: 'local_http: the loopback port it listens on' })
  port?: number;

  @ApiPropertyOptional({ default: '/mcp', description: 'local_http: its MCP path' })
  path?: string;
}

export class McpServerSaveResultDto {
  @ApiProperty({ enum: [true] }) success!: true;
  @ApiProperty() name!: string;
}

export class McpServerKeyDto {
  @ApiProperty({ type: 'integer' }) id!: number;
  @ApiProperty({ description: 'Masked' }) key!: string;
  @ApiProperty() is_active!: boolean;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) cooldown_until!: string | null;
}

export class McpServerKeyListDto {
  @ApiProperty({ type: [McpServerKeyDto] }) keys!: McpServerKeyDto[];
}

export class McpServerKeyCreateDto {
  @ApiProperty({ writeOnly: true }) key!: string;
  @ApiPropertyOptional({ default: true }) is_active?: boolean;
}

export class McpProcessStatusDto {
  @ApiProperty() serverName!: string;
  @ApiProperty({ enum: ['stopped', 'starting', 'running', 'failed'] }) status!: string;
  @ApiProperty({ type: 'integer', nullable: true }) pid!: number | null;
  @ApiProperty({ type: 'string', nullable: true }) url!: string | null;
  @ApiProperty({ type: 'string', nullable: true }) lastError!: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) startedAt!: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) exitedAt!: string | null;
  @ApiProperty({ type: 'integer', description: 'Automatic restarts after crashes' }) restarts!: number;
}

export class McpProcessLogsDto {
  @ApiProperty({ type: [String], description: 'The last 500 lines of the process output' }) data!: string[];
}

export class McpUsageRecordDto {
  @ApiProperty() request_id!: string;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ type: 'integer' }) start_time!: number;
  @ApiProperty({ type: 'integer' }) duration_ms!: number;
  @ApiProperty() server_name!: string;
  @ApiProperty({ type: 'string', nullable: true }) upstream_url!: string | null;
  @ApiProperty({ enum: ['GET', 'POST', 'DELETE'] }) method!: string;
  @ApiProperty({ type: 'string', nullable: true }) jsonrpc_method!: string | null;
  @ApiProperty({ type: 'string', nullable: true }) tool_name!: string | null;
  @ApiProperty({ type: 'string', nullable: true }) api_key!: string | null;
  @ApiProperty({ type: 'string', nullable: true }) attribution!: string | null;
  @ApiProperty({ type: 'string', nullable: true }) source_ip!: string | null;
  @ApiProperty({ type: 'integer' }) response_status!: number;
  @ApiProperty() is_streamed!: boolean;
  @ApiProperty() has_debug!: boolean;
  @ApiProperty({ type: 'string', nullable: true }) error_code!: string | null;
  @ApiProperty({ type: 'string', nullable: true }) error_message!: string | null;
}

export class McpUsagePageDto {
  @ApiProperty({ type: [McpUsageRecordDto] }) data!: McpUsageRecordDto[];
  @ApiProperty({ type: 'integer' }) total!: number;
  @ApiProperty({ type: 'integer' }) limit!: number;
  @ApiProperty({ type: 'integer' }) offset!: number;
}
