import type { ApiKeyPolicy } from '@plexus/persistence';
import type { FastifyRequest } from 'fastify';

/** Who is calling an MCP server through the gateway: a Plexus API key. */
export interface McpCaller {
  keyName: string;
  attribution: string | null;
  policy: ApiKeyPolicy;
}

/** What an admitted MCP request holds against the key's quotas until it ends. */
export interface McpAdmission {
  /** `reached`: the request reached the MCP server (counts); else it is given back. */
  finish(reached: boolean): void;
}

export type McpAuthentication = { ok: true; caller: McpCaller } | { ok: false; reason: 'missing' | 'invalid' };

/**
 * Authentication and quota admission of MCP requests, provided by the app from libs/auth
 * and libs/quota (libs/mcp sits beside them in the layering and may not import them).
 */
export interface McpAccess {
  authenticate(request: FastifyRequest): McpAuthentication;
  /** Throws an error with `status` (and `retryAfterSeconds`) when the key's quota refuses the request. */
  admit(caller: McpCaller): Promise<McpAdmission>;
}

export const MCP_ACCESS = Symbol('McpAccess');
