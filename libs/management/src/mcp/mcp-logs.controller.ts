import { Controller, Delete, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Audited } from '../audit/audited.decorator';
import { AdminKeyGuard } from '@plexus/auth';
import { McpUsageRecorder } from '@plexus/mcp';
import { McpUsageRepository, type McpUsageRow } from '@plexus/persistence';
import { SuccessDto } from '../common/success.dto';
import { notFound, validationFailed } from '../common/validation';
import { McpUsagePageDto, McpUsageRecordDto } from './mcp-server.dto';

@ApiTags('Management — MCP Logs')
@ApiSecurity('AdminKey')
@UseGuards(AdminKeyGuard)
@Controller('v0/management/mcp-logs')
export class McpLogsController {
  constructor(
    private readonly repository: McpUsageRepository,
    private readonly recorder: McpUsageRecorder,
  ) {}

  @Get()
  @ApiOperation({ summary: 'MCP proxy requests, newest first' })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', default: 20, minimum: 1, maximum: 1000 } })
  @ApiQuery({ name: 'offset', required: false, schema: { type: 'integer', default: 0, minimum: 0 } })
  @ApiQuery({ name: 'serverName', required: false })
  @ApiQuery({ name: 'apiKey', required: false })
  @ApiOkResponse({ type: McpUsagePageDto })
  async list(
    @Query('limit') limitText?: string,
    @Query('offset') offsetText?: string,
    @Query('serverName') serverName?: string,
    @Query('apiKey') apiKey?: string,
  ): Promise<McpUsagePageDto> {
    const limit = integerParam('limit', limitText, 20, 1, 1000);
    const offset = integerParam('offset', offsetText, 0, 0, Number.MAX_SAFE_INTEGER);
    await this.recorder.flush();
    const { rows, total } = await this.repository.page({
      limit,
      offset,
      ...(serverName !== undefined && { serverName }),
      ...(apiKey !== undefined && { apiKey }),
    });
    return { data: rows.map(toDto), total, limit, offset };
  }

  @Get(':requestId')
  @ApiOperation({ summary: 'One MCP proxy request' })
  @ApiOkResponse({ type: McpUsageRecordDto })
  async get(@Param('requestId') requestId: string): Promise<McpUsageRecordDto> {
    await this.recorder.flush();
    const row = await this.repository.findOne(requestId);
    if (!row) throw notFound(`MCP log '${requestId}' not found`);
    return toDto(row);
  }

  @Audited()
  @Delete()
  @ApiOperation({ summary: 'Delete MCP logs: all, or those older than olderThanDays' })
  @ApiQuery({ name: 'olderThanDays', required: false, schema: { type: 'integer', minimum: 0 } })
  @ApiOkResponse({ type: SuccessDto })
  async deleteMany(@Query('olderThanDays') days?: string): Promise<SuccessDto> {
    const olderThan = days === undefined ? null : integerParam('olderThanDays', days, 0, 0, 36_500);
    await this.recorder.flush();
    await this.repository.deleteOlderThan(olderThan === null ? null : new Date(Date.now() - olderThan * 86_400_000));
    return { success: true };
  }

  @Audited()
  @Delete(':requestId')
  @ApiOperation({ summary: 'Delete one MCP log' })
  @ApiOkResponse({ type: SuccessDto })
  async delete(@Param('requestId') requestId: string): Promise<SuccessDto> {
    await this.recorder.flush();
    if (!(await this.repository.delete(requestId))) throw notFound(`MCP log '${requestId}' not found`);
    return { success: true };
  }
}

function integerParam(name: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max)
    throw validationFailed([
      { path: [name], message: `must be an integer from ${min} to ${max}`, code: 'invalid_number' },
    ]);
  return value;
}

function toDto(row: McpUsageRow): McpUsageRecordDto {
  return {
    request_id: row.requestId,
    created_at: row.createdAt.toISOString(),
    start_time: row.startTime,
    duration_ms: row.durationMs,
    server_name: row.serverName,
    upstream_url: row.upstreamUrl,
    method: row.method,
    jsonrpc_method: row.jsonrpcMethod,
    tool_name: row.toolName,
    api_key: row.apiKey,
    attribution: row.attribution,
    source_ip: row.sourceIp,
    response_status: row.responseStatus,
    is_streamed: row.isStreamed,
    has_debug: false,
    error_code: row.errorCode,
    error_message: row.errorMessage,
  };
}
