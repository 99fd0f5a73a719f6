import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { randomUUID } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

export interface McpUpstreamOptions {
  /** Answer POSTs with JSON instead of an event stream. */
  jsonResponse?: boolean;
}

/** A request the upstream saw: its headers and, for a POST, its JSON-RPC body. */
export interface McpUpstreamCall {
  method: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/**
 * An MCP server built on the official SDK, on loopback, speaking Streamable HTTP with
 * sessions, as a real one would. Tools: echo, count (state per session), whoami (the
 * Authorization it was called with), progress (sends progress notifications), announce
 * (a server-initiated log message on the GET stream), secret, die (breaks the connection
 * mid-call) and hang (never answers); one resource, `note://hello`.
 */
export class McpUpstream {
  readonly calls: McpUpstreamCall[] = [];
  /** Set to answer a request with this status instead (e.g. 429 for one upstream key). */
  refuse: ((call: McpUpstreamCall) => number | undefined) | null = null;
  private readonly transports = new Map<string, StreamableHTTPServerTransport>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(options: McpUpstreamOptions = {}): Promise<McpUpstream> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const upstream = new McpUpstream(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`);
    server.on(
      'request',
      (request: IncomingMessage, response: ServerResponse) => void upstream.handle(request, response, options),
    );
    return upstream;
  }

  get sessions(): number {
    return this.transports.size;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.transports.values()].map((transport) => transport.close()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse, options: McpUpstreamOptions): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString();
    const body: unknown = text === '' ? undefined : JSON.parse(text);
    const call = { method: request.method ?? 'GET', headers: request.headers, body };
    this.calls.push(call);
    const refused = this.refuse?.(call);
    if (refused !== undefined) {
      response.writeHead(refused, { 'content-type': 'application/json', 'retry-after': '30' });
      response.end(JSON.stringify({ error: 'refused by the test' }));
      return;
    }
    const sessionId = request.headers['mcp-session-id'] as string | undefined;
    let transport = sessionId === undefined ? undefined : this.transports.get(sessionId);
    if (!transport) {
      if (sessionId !== undefined || request.method !== 'POST' || !isInitializeRequest(body)) {
        response.writeHead(sessionId === undefined ? 400 : 404, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32000, message: 'No valid session' } }),
        );
        return;
      }
      const created = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        enableJsonResponse: options.jsonResponse ?? false,
        onsessioninitialized: (id) => void this.transports.set(id, created),
      });
      created.onclose = () => {
        if (created.sessionId !== undefined) this.transports.delete(created.sessionId);
      };
      await this.mcpServer().connect(created);
      transport = created;
    }
    await transport.handleRequest(request, response, body);
  }

  private mcpServer(): McpServer {
    const server = new McpServer({ name: 'test-upstream', version: '1.0.0' }, { capabilities: { logging: {} } });
    let count = 0;
    server.registerTool('echo', { inputSchema: { text: z.string() } }, ({ text }) => ({
      content: [{ type: 'text', text }],
    }));
    server.registerTool('count', {}, () => ({ content: [{ type: 'text', text: String(++count) }] }));
    server.registerTool('whoami', {}, (extra) => ({
      content: [{ type: 'text', text: String(extra.requestInfo?.headers['authorization'] ?? 'none') }],
    }));
    server.registerTool('progress', {}, async (extra) => {
      const token = extra._meta?.progressToken;
      if (token !== undefined)
        for (const progress of [1, 2])
          await extra.sendNotification({
            method: 'notifications/progress',
            params: { progressToken: token, progress, total: 2 },
          });
      return { content: [{ type: 'text', text: 'done' }] };
    });
    server.registerTool('announce', {}, async () => {
      // Not related to the request: it goes out on the session's GET stream.
      await server.server.notification({
        method: 'notifications/message',
        params: { level: 'info', data: 'announced' },
      });
      return { content: [{ type: 'text', text: 'announced' }] };
    });
    server.registerTool('secret', {}, () => ({ content: [{ type: 'text', text: 'the secret' }] }));
    server.registerTool('die', {}, async (extra) => {
      const token = extra._meta?.progressToken ?? 'die';
      await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: 1 } });
      setTimeout(() => this.server.closeAllConnections(), 50);
      return new Promise(() => undefined);
    });
    server.registerTool('hang', {}, () => new Promise(() => undefined));
    server.registerResource('note', 'note://hello', { mimeType: 'text/plain' }, (uri) => ({
      contents: [{ uri: uri.href, text: 'hello from the note' }],
    }));
    return server;
  }
}
