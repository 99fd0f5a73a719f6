import { Injectable } from '@nestjs/common';
import { ApiKeyDirectory, TrustedProxies, extractPresentedKey } from '@plexus/auth';
import type { McpAccess, McpAdmission, McpAuthentication, McpCaller } from '@plexus/mcp';
import { QuotaService } from '@plexus/quota';
import type { FastifyRequest } from 'fastify';

/** The MCP gateway's callers: Plexus API keys (libs/auth), each MCP request counted on the key's quotas (libs/quota). */
@Injectable()
export class GatewayMcpAccess implements McpAccess {
  constructor(
    private readonly directory: ApiKeyDirectory,
    private readonly proxies: TrustedProxies,
    private readonly quotas: QuotaService,
  ) {}

  authenticate(request: FastifyRequest): McpAuthentication {
    const presented = extractPresentedKey(request.headers, request.query as Record<string, unknown>);
    if (!presented) return { ok: false, reason: 'missing' };
    const address = this.proxies.clientAddress(request.raw.socket.remoteAddress, request.headers['x-forwarded-for']);
    const result = this.directory.authenticate(presented.secret, presented.attribution, address);
    return result.ok ? { ok: true, caller: result.principal } : { ok: false, reason: 'invalid' };
  }

  async admit(caller: McpCaller): Promise<McpAdmission> {
    const reservation = this.quotas.applies(caller) ? await this.quotas.admit(caller, { tokens: 0, cost: 0 }) : null;
    return {
      finish: (reached) => {
        if (!reservation) return;
        void (reached ? this.quotas.settle(reservation, { tokens: 0, cost: 0 }) : this.quotas.release(reservation));
      },
    };
  }
}
