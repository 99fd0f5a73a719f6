import { HttpException, Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { AdminKeyGuard } from '@plexus/auth';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AliasesController } from '../../aliases/aliases.controller';
import { CooldownsController } from '../../cooldowns/cooldowns.controller';
import { KeysController } from '../../keys/keys.controller';
import { SystemLogsController } from '../../logging/logging.controller';
import { ProvidersController } from '../../providers/providers.controller';
import { QuotaStatusController } from '../../quotas/quota-status.controller';
import { UserQuotasController } from '../../quotas/user-quotas.controller';
import { SettingsController } from '../../settings/settings.controller';
import { UsageController } from '../../usage/usage.controller';
import { McpEnabledSetting } from '../mcp-enabled.controller';
import { McpLogsController } from '../mcp-logs.controller';
import { McpServersController } from '../mcp-servers.controller';
import { PLEXUS_MANAGEMENT_GUIDE, plexusTools, type PlexusTool, type PlexusToolArgs } from './plexus-tools';
import { redactSecrets } from './redact';

type ToolResult = { content: { type: 'text'; text: string }[]; isError?: boolean };

/**
 * `/mcp/plexus`: the gateway's own management as an MCP server, for admins only. Stateless
 * (a server and a JSON-answering transport per request, as the reference does); its tools
 * call the management API's controllers in process, so they validate, reload and mask as
 * the HTTP routes do; answers are redacted once more, and destructive operations need
 * `"destructive": "acknowledged"`. It lives here rather than in libs/mcp because it drives
 * the management controllers, and libs/mcp sits below libs/management in the layering.
 */
@Injectable()
export class PlexusManagementMcp implements OnModuleInit {
  private tools: PlexusTool[] = [];

  constructor(
    private readonly adminGuard: AdminKeyGuard,
    private readonly enabled: McpEnabledSetting,
    private readonly moduleRef: ModuleRef,
  ) {}

  onModuleInit(): void {
    const get = <T>(type: new (...args: never[]) => T): T => this.moduleRef.get(type, { strict: false });
    this.tools = plexusTools({
      providers: get(ProvidersController),
      aliases: get(AliasesController),
      keys: get(KeysController),
      quotas: get(UserQuotasController),
      quotaStatus: get(QuotaStatusController),
      usage: get(UsageController),
      cooldowns: get(CooldownsController),
      mcpServers: get(McpServersController),
      mcpLogs: get(McpLogsController),
      systemLogs: get(SystemLogsController),
      settings: get(SettingsController),
    });
  }

  async handle(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (!(await this.enabled.enabled())) {
      await reply.code(418).send({
        error: {
          message: 'Plexus Management MCP is disabled: enable it with PATCH /v0/management/config/mcp-enabled',
          type: 'mcp_disabled',
        },
      });
      return;
    }
    const refusal = await this.refusal(request, reply);
    if (refusal) {
      await reply.code(refusal.getStatus()).send(refusal.getResponse());
      return;
    }
    let body: unknown;
    if (request.method === 'POST') {
      try {
        body = JSON.parse((request.body as Buffer | undefined)?.toString('utf8') ?? '');
      } catch {
        await reply.code(400).send({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
        return;
      }
    }
    const server = this.server();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    reply.raw.once('close', () => void transport.close().then(() => server.close()));
    await server.connect(transport);
    reply.hijack();
    await transport.handleRequest(request.raw, reply.raw, body);
  }

  /**
   * Admin credentials only, checked by the management API's own guard (admin key, SSO,
   * OIDC, failed-login throttle); an API key's secret is refused with 403.
   */
  private async refusal(request: FastifyRequest, reply: FastifyReply): Promise<HttpException | null> {
    try {
      await this.adminGuard.canActivate(
        new ExecutionContextHost(
          [request, reply],
          PlexusManagementMcp,
          PlexusManagementMcp.prototype.handle.bind(this),
        ),
      );
      return null;
    } catch (error) {
      if (error instanceof HttpException) return error;
      throw error;
    }
  }

  private server(): McpServer {
    const server = new McpServer({ name: 'plexus', version: '0.1.0' });
    for (const tool of this.tools) {
      const operations = Object.keys(tool.operations) as [string, ...string[]];
      server.registerTool(
        tool.name,
        {
          description: tool.description,
          inputSchema: {
            operation: z.enum(operations),
            name: z.string().optional(),
            body: z.record(z.string(), z.unknown()).optional(),
            query: z.record(z.string(), z.string()).optional(),
            destructive: z.string().optional().describe('"acknowledged" to run a destructive operation'),
          },
        },
        (args) => this.call(tool, args),
      );
    }
    server.registerPrompt(
      'plexus_management_guide',
      { description: 'How to manage this Plexus gateway with these tools' },
      () => ({ messages: [{ role: 'user', content: { type: 'text', text: PLEXUS_MANAGEMENT_GUIDE } }] }),
    );
    return server;
  }

  private async call(tool: PlexusTool, args: PlexusToolArgs & { destructive?: string }): Promise<ToolResult> {
    const operation = tool.operations[args.operation];
    if (operation.destructive && args.destructive !== 'acknowledged')
      return errorResult(
        'confirmation_required',
        `${tool.name} ${args.operation} is destructive: confirm with the user, then call again with "destructive": "acknowledged"`,
      );
    try {
      const result = await operation.run(args);
      return { content: [{ type: 'text', text: JSON.stringify(redactSecrets(result ?? { success: true }), null, 2) }] };
    } catch (error) {
      if (error instanceof HttpException)
        return errorResult(`http_${error.getStatus()}`, JSON.stringify(redactSecrets(error.getResponse())));
      return errorResult('failed', (error as Error).message);
    }
  }
}

function errorResult(type: string, message: string): ToolResult {
  return { content: [{ type: 'text', text: JSON.stringify({ error: { type, message } }) }], isError: true };
}
