import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseIntPipe,
  Patch,
  Post,
  Put,
  UseGuards,
} from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Audited } from '../audit/audited.decorator';
import { AdminKeyGuard, maskSecret } from '@plexus/auth';
import {
  MCP_SERVER_NAME,
  McpProcessManager,
  McpServerRegistry,
  McpUpstreamKeys,
  RESERVED_MCP_SERVER_NAMES,
  parseMcpServerConfig,
  type McpServerConfig,
} from '@plexus/mcp';
import { mapMcpServerSecrets, mcpServerSecretsOf } from '@plexus/persistence';
import { SuccessDto } from '../common/success.dto';
import { notFound, validationFailed } from '../common/validation';
import {
  McpProcessLogsDto,
  McpProcessStatusDto,
  McpServerConfigDto,
  McpServerKeyCreateDto,
  McpServerKeyDto,
  McpServerKeyListDto,
  McpServerSaveResultDto,
} from './mcp-server.dto';

@ApiTags('Management — MCP Servers')
@ApiSecurity('AdminKey')
@UseGuards(AdminKeyGuard)
@Controller('v0/management/mcp-servers')
export class McpServersController {
  constructor(
    private readonly registry: McpServerRegistry,
    private readonly keys: McpUpstreamKeys,
    private readonly processes: McpProcessManager,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Every MCP server, keyed by name (headers, env and args masked)' })
  @ApiOkResponse({
    schema: { type: 'object', additionalProperties: { $ref: '#/components/schemas/McpServerConfigDto' } },
  })
  async list(): Promise<Record<string, unknown>> {
    return mapMcpServerSecrets(await this.registry.raw(), maskSecret);
  }

  @Get(':serverName')
  @ApiOperation({ summary: 'One MCP server (secrets masked)' })
  @ApiOkResponse({ type: McpServerConfigDto })
  async get(@Param('serverName') name: string): Promise<Record<string, unknown>> {
    const raw = (await this.registry.raw())[name];
    if (raw === undefined) throw notFound(`MCP server '${name}' not found`);
    return { name, ...(mapMcpServerSecrets({ [name]: raw }, maskSecret)[name] as object) };
  }

  @Audited()
  @Put(':serverName')
  @ApiOperation({ summary: 'Create or replace an MCP server' })
  @ApiBody({ type: McpServerConfigDto })
  @ApiOkResponse({ type: McpServerSaveResultDto })
  async put(@Param('serverName') name: string, @Body() body: unknown): Promise<McpServerSaveResultDto> {
    await this.save(name, body);
    return { success: true, name };
  }

  @Audited()
  @Patch(':serverName')
  @ApiOperation({ summary: 'Merge fields into an MCP server, then validate the result' })
  @ApiBody({ schema: { type: 'object', additionalProperties: true } })
  @ApiOkResponse({ type: McpServerSaveResultDto })
  async patch(@Param('serverName') name: string, @Body() body: unknown): Promise<McpServerSaveResultDto> {
    const existing = (await this.registry.raw())[name];
    if (existing === undefined) throw notFound(`MCP server '${name}' not found`);
    await this.save(name, { ...(existing as object), ...(body as object) });
    return { success: true, name };
  }

  @Audited()
  @Delete(':serverName')
  @ApiOperation({ summary: 'Delete an MCP server (its process is stopped and its upstream keys removed)' })
  @ApiOkResponse({ type: SuccessDto })
  async delete(@Param('serverName') name: string): Promise<SuccessDto> {
    if (!(await this.registry.delete(name))) throw notFound(`MCP server '${name}' not found`);
    await Promise.all([this.processes.forget(name), this.keys.removeServer(name)]);
    return { success: true };
  }

  @Get(':serverName/status')
  @ApiOperation({ summary: "The process status of a local server (remote servers: always 'stopped', no pid)" })
  @ApiOkResponse({ type: McpProcessStatusDto })
  async status(@Param('serverName') name: string): Promise<McpProcessStatusDto> {
    return this.processes.status(name, await this.server(name));
  }

  @Audited()
  @Post(':serverName/start')
  @HttpCode(200)
  @ApiOperation({ summary: 'Start the process of a local server and wait until it listens' })
  @ApiOkResponse({ type: McpProcessStatusDto })
  async start(@Param('serverName') name: string): Promise<McpProcessStatusDto> {
    const config = await this.localServer(name);
    await this.processes.start(name, config);
    return this.processes.status(name, config);
  }

  @Audited()
  @Post(':serverName/stop')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop the process of a local server' })
  @ApiOkResponse({ type: McpProcessStatusDto })
  async stop(@Param('serverName') name: string): Promise<McpProcessStatusDto> {
    const config = await this.localServer(name);
    return (await this.processes.stop(name)) ?? this.processes.status(name, config);
  }

  @Audited()
  @Post(':serverName/restart')
  @HttpCode(200)
  @ApiOperation({ summary: 'Restart the process of a local server' })
  @ApiOkResponse({ type: McpProcessStatusDto })
  async restart(@Param('serverName') name: string): Promise<McpProcessStatusDto> {
    return this.processes.restart(name, await this.localServer(name));
  }

  @Get(':serverName/process-logs')
  @ApiOperation({ summary: 'The last 500 lines a local server printed' })
  @ApiOkResponse({ type: McpProcessLogsDto })
  async processLogs(@Param('serverName') name: string): Promise<McpProcessLogsDto> {
    await this.server(name);
    return { data: this.processes.logs(name) };
  }

  @Get(':serverName/keys')
  @ApiOperation({ summary: 'The upstream keys of a server (masked), with their cooldowns' })
  @ApiOkResponse({ type: McpServerKeyListDto })
  async listKeys(@Param('serverName') name: string): Promise<McpServerKeyListDto> {
    await this.server(name);
    const keys = await this.keys.list(name);
    return {
      keys: keys.map((key) => ({
        id: key.id,
        key: maskSecret(key.key),
        is_active: key.isActive,
        cooldown_until: this.keys.cooldownUntil(key.id)?.toISOString() ?? null,
      })),
    };
  }

  @Audited()
  @Post(':serverName/keys')
  @ApiOperation({
    summary: 'Add an upstream key; new sessions rotate through the active keys (429/402 cool a key down)',
  })
  @ApiBody({ type: McpServerKeyCreateDto })
  @ApiCreatedResponse({ type: McpServerKeyDto })
  async addKey(@Param('serverName') name: string, @Body() body: unknown): Promise<McpServerKeyDto> {
    await this.server(name);
    const { key, is_active: isActive } = (body ?? {}) as { key?: unknown; is_active?: unknown };
    const issues = [
      ...(typeof key === 'string' && key.trim() !== ''
        ? []
        : [{ path: ['key'], message: 'must be a non-empty string', code: 'invalid_type' }]),
      ...(isActive === undefined || typeof isActive === 'boolean'
        ? []
        : [{ path: ['is_active'], message: 'must be a boolean', code: 'invalid_type' }]),
    ];
    if (issues.length > 0) throw validationFailed(issues);
    const record = await this.keys.add(name, key as string, (isActive as boolean | undefined) ?? true);
    return { id: record.id, key: maskSecret(record.key), is_active: record.isActive, cooldown_until: null };
  }

  @Audited()
  @Delete(':serverName/keys/:keyId')
  @ApiOperation({ summary: 'Remove an upstream key (sessions pinned to it must start over)' })
  @ApiOkResponse({ type: SuccessDto })
  async removeKey(@Param('serverName') name: string, @Param('keyId', ParseIntPipe) id: number): Promise<SuccessDto> {
    if (!(await this.keys.remove(name, id))) throw notFound(`MCP key ${id} of '${name}' not found`);
    return { success: true };
  }

  @Audited()
  @Post(':serverName/keys/:keyId/clear-cooldown')
  @HttpCode(200)
  @ApiOperation({ summary: "End an upstream key's cooldown" })
  @ApiOkResponse({ type: SuccessDto })
  async clearCooldown(
    @Param('serverName') name: string,
    @Param('keyId', ParseIntPipe) id: number,
  ): Promise<SuccessDto> {
    if (!(await this.keys.list(name)).some((key) => key.id === id))
      throw notFound(`MCP key ${id} of '${name}' not found`);
    this.keys.clearCooldown(id);
    return { success: true };
  }

  private async save(name: string, body: unknown): Promise<void> {
    if (!MCP_SERVER_NAME.test(name) || RESERVED_MCP_SERVER_NAMES.has(name))
      throw validationFailed([
        {
          path: ['serverName'],
          message: `must match ${MCP_SERVER_NAME.source} and not be reserved`,
          code: 'invalid_string',
        },
      ]);
    const stored = mcpServerSecretsOf({ [name]: (await this.registry.raw())[name] });
    // A masked value sent back (as GET shows it) keeps the stored secret.
    const resolved = mapMcpServerSecrets({ [name]: body }, (value, path) => {
      const previous = stored.get(path.join('.'));
      return previous !== undefined && value === maskSecret(previous) ? previous : value;
    })[name];
    const parsed = parseMcpServerConfig(resolved);
    if (!parsed.ok)
      throw validationFailed(
        parsed.issues.map((issue) => ({ path: [issue.path], message: issue.message, code: 'invalid' })),
      );
    await this.registry.save(name, resolved as Record<string, unknown>);
  }

  private async server(name: string): Promise<McpServerConfig> {
    const config = await this.registry.get(name);
    if (!config) throw notFound(`MCP server '${name}' not found`);
    return config;
  }

  private async localServer(name: string): Promise<McpServerConfig> {
    const config = await this.server(name);
    if (config.mode !== 'local_http')
      throw validationFailed([{ path: ['mode'], message: 'only local servers have a process', code: 'invalid' }]);
    return config;
  }
}
