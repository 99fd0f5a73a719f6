import type { IncomingHttpHeaders } from 'node:http';

/** The client's credentials for Plexus: never sent to an MCP server. */
const CLIENT_CREDENTIALS = new Set([
  'authorization',
  'proxy-authorization',
  'x-api-key',
  'x-goog-api-key',
  'x-admin-key',
  'api-key',
  'cookie',
]);

/** Hop-by-hop headers (RFC 9110 §7.6.1) and those the HTTP client sets itself. */
const NOT_RELAYED = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  'mcp-session-id',
]);

/**
 * The headers an MCP server gets: the client's own (protocol headers such as
 * MCP-Protocol-Version and Last-Event-ID included) without its credentials, then the
 * server's static headers, then the upstream key and the upstream's own session id.
 */
export function upstreamHeaders(params: {
  client: IncomingHttpHeaders;
  staticHeaders: Record<string, string>;
  authScheme: string;
  key: string | null;
  upstreamSession: string | null;
}): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(params.client)) {
    const lower = name.toLowerCase();
    if (value === undefined || CLIENT_CREDENTIALS.has(lower) || NOT_RELAYED.has(lower) || lower.startsWith('x-plexus-'))
      continue;
    headers[lower] = Array.isArray(value) ? value.join(', ') : value;
  }
  for (const [name, value] of Object.entries(params.staticHeaders)) headers[name.toLowerCase()] = value;
  if (params.key !== null) {
    if (params.authScheme === 'bearer') headers['authorization'] = `Bearer ${params.key}`;
    else headers[params.authScheme] = params.key;
  }
  if (params.upstreamSession !== null) headers['mcp-session-id'] = params.upstreamSession;
  return headers;
}

/** The upstream's answer headers the client gets (the session id is replaced by the gateway's own). */
export function relayedResponseHeaders(
  upstream: Record<string, string | string[] | undefined>,
): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(upstream)) {
    const lower = name.toLowerCase();
    if (value === undefined || NOT_RELAYED.has(lower) || lower === 'set-cookie') continue;
    headers[lower] = value;
  }
  return headers;
}
