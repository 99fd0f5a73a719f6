/** A server name as in `/mcp/{name}` (the reference's pattern). */
export const MCP_SERVER_NAME = /^[a-z0-9][a-z0-9-_]{1,62}$/;

/** Names the gateway keeps for itself. */
export const RESERVED_MCP_SERVER_NAMES = new Set(['plexus']);

export type McpServerMode = 'remote_http' | 'local_http';

/** An MCP server as stored in the `mcp_servers` setting (the reference's McpServerConfig and its local fields). */
export interface McpServerConfig {
  mode: McpServerMode;
  /** Remote servers: the Streamable HTTP endpoint. */
  upstream_url?: string;
  enabled: boolean;
  /** Static headers sent upstream on every request (after the client's credentials are dropped). */
  headers: Record<string, string>;
  /** How an upstream key is sent: `bearer` (Authorization: Bearer) or the name of a header. */
  auth_scheme: string;
  /** Longest wait for the server's answer, and longest silence inside a streamed answer. */
  timeout_ms: number;
  /** Local servers: the program the gateway starts (set by an admin, never from a request). */
  command?: string;
  args?: string[];
  env?: Record<string, string>;
  /** local_http: the loopback port the program listens on, and its MCP path. */
  port?: number;
  path?: string;
}

export const DEFAULT_MCP_TIMEOUT_MS = 60_000;

export interface ConfigIssue {
  path: string;
  message: string;
}

function isStringMap(value: unknown): value is Record<string, string> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((entry) => typeof entry === 'string')
  );
}

/**
 * Validates an MCP server configuration as stored or sent by an admin; unknown fields are
 * kept (an import from the reference carries some), known ones must have their types.
 */
export function parseMcpServerConfig(
  raw: unknown,
): { ok: true; config: McpServerConfig } | { ok: false; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return { ok: false, issues: [{ path: '', message: 'must be an object' }] };
  const body = raw as Record<string, unknown>;
  const mode = body['mode'] ?? (body['command'] !== undefined ? 'local_http' : 'remote_http');
  if (mode !== 'remote_http' && mode !== 'local_http')
    issues.push({ path: 'mode', message: 'must be remote_http or local_http' });
  const upstreamUrl = body['upstream_url'];
  if (mode === 'remote_http') {
    if (typeof upstreamUrl !== 'string' || !/^https?:\/\/[^\s]+$/i.test(upstreamUrl))
      issues.push({ path: 'upstream_url', message: 'must be an http(s) URL' });
  } else if (typeof body['command'] !== 'string' || body['command'].trim() === '') {
    issues.push({ path: 'command', message: 'is required for local servers' });
  }
  if (body['enabled'] !== undefined && typeof body['enabled'] !== 'boolean')
    issues.push({ path: 'enabled', message: 'must be a boolean' });
  for (const field of ['headers', 'env'] as const)
    if (body[field] !== undefined && !isStringMap(body[field]))
      issues.push({ path: field, message: 'must map names to strings' });
  if (body['args'] !== undefined && !(Array.isArray(body['args']) && body['args'].every((a) => typeof a === 'string')))
    issues.push({ path: 'args', message: 'must be a list of strings' });
  const timeout = body['timeout_ms'];
  if (timeout !== undefined && !(Number.isInteger(timeout) && (timeout as number) >= 100))
    issues.push({ path: 'timeout_ms', message: 'must be an integer of at least 100' });
  const port = body['port'];
  if (mode === 'local_http' && !(Number.isInteger(port) && (port as number) > 0 && (port as number) < 65536))
    issues.push({ path: 'port', message: 'must be a TCP port for local_http servers' });
  const scheme = body['auth_scheme'];
  if (scheme !== undefined && (typeof scheme !== 'string' || !/^[A-Za-z0-9-]+$/.test(scheme)))
    issues.push({ path: 'auth_scheme', message: 'must be bearer or a header name' });
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    config: {
      ...body,
      mode: mode as McpServerMode,
      enabled: (body['enabled'] as boolean | undefined) ?? true,
      headers: (body['headers'] as Record<string, string> | undefined) ?? {},
      auth_scheme: ((scheme as string | undefined) ?? 'bearer').toLowerCase(),
      timeout_ms: (timeout as number | undefined) ?? DEFAULT_MCP_TIMEOUT_MS,
    },
  };
}
