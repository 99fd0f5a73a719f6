import type { McpCaller } from '../mcp-access';
import type { JsonRpcMessage } from './jsonrpc';

/** One HTTP request through the MCP proxy, as its usage row will tell it. */
export interface McpExchange {
  requestId: string;
  startTime: number;
  started: number;
  server: string;
  method: string;
  messages: JsonRpcMessage[];
  caller: McpCaller | null;
  upstreamUrl: string | null;
  streamed: boolean;
  sourceIp: string | null;
  recorded?: boolean;
}

/** A request the proxy answers itself: status, error type, and the JSON-RPC code when it answers a POST in JSON-RPC. */
export class McpRefusal extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly jsonRpcCode?: number,
  ) {
    super(message);
  }
}
