/** The parts of JSON-RPC messages the proxy looks at (everything else stays opaque). */
export interface JsonRpcMessage {
  jsonrpc?: unknown;
  id?: unknown;
  method?: unknown;
  params?: unknown;
  result?: unknown;
  error?: unknown;
}

export type JsonRpcId = string | number;

export function isRequest(message: JsonRpcMessage): message is JsonRpcMessage & { id: JsonRpcId; method: string } {
  return typeof message.method === 'string' && (typeof message.id === 'string' || typeof message.id === 'number');
}

/** The messages of a POST body (one message or a batch); null when it is not JSON-RPC. */
export function messagesOf(body: unknown): JsonRpcMessage[] | null {
  const list = Array.isArray(body) ? body : [body];
  if (list.length === 0) return null;
  return list.every((item) => typeof item === 'object' && item !== null && !Array.isArray(item))
    ? (list as JsonRpcMessage[])
    : null;
}

export function toolNameOf(message: JsonRpcMessage): string | null {
  if (message.method !== 'tools/call') return null;
  const params = message.params as { name?: unknown } | undefined;
  return typeof params?.name === 'string' ? params.name : null;
}

/** JSON-RPC error codes the proxy answers with itself. */
export const JSONRPC = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
  /** Implementation-defined server errors (-32000 to -32099). */
  UPSTREAM_ERROR: -32001,
  UPSTREAM_TIMEOUT: -32002,
} as const;

export function errorResponse(
  id: JsonRpcId | null,
  code: number,
  message: string,
  type?: string,
): Record<string, unknown> {
  return { jsonrpc: '2.0', id, error: { code, message, ...(type !== undefined && { data: { type } }) } };
}
