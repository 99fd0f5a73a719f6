import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Environment } from '@plexus/config';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Agent, errors as undiciErrors, request as upstreamRequest, type Dispatcher } from 'undici';
import { MCP_ACCESS, type McpAccess, type McpAdmission, type McpCaller } from '../mcp-access';
import type { McpServerConfig } from '../servers/mcp-server-config';
import { McpProcessManager } from '../servers/mcp-process-manager.service';
import { McpServerRegistry } from '../servers/mcp-server-registry.service';
import { McpUpstreamKeys, type McpUpstreamKey } from '../servers/mcp-upstream-keys.service';
import { McpUsageRecorder } from '../usage/mcp-usage-recorder.service';
import {
  JSONRPC,
  errorResponse,
  isRequest,
  messagesOf,
  toolNameOf,
  type JsonRpcId,
  type JsonRpcMessage,
} from './jsonrpc';
import { relayedResponseHeaders, upstreamHeaders } from './mcp-proxy-headers';
import { McpSessionTokens, type McpSessionClaims } from './mcp-session-token';
import { filterToolsResult, filtersTools, mayUseServer, toolVisible } from './mcp-tool-policy';
import { SseRelay } from './sse-relay';
import { McpRefusal, type McpExchange } from './mcp-exchange';

/**
 * `/mcp/{name}`: Streamable HTTP relayed to an MCP server. The client's Plexus key is
 * checked and dropped, the server's static headers and upstream key injected; each client
 * session is its own upstream session, pinned to one upstream key, its id signed so any
 * replica can continue it. Answers come back as JSON or as an event stream, as the server
 * chose, streamed as they arrive; tools the key may not see are filtered out of tools/list
 * and refused on tools/call.
 */
@Injectable()
export class McpProxyService implements OnApplicationShutdown {
  private readonly agent = new Agent({ connect: { timeout: 10_000 }, keepAliveTimeout: 30_000 });
  private readonly tokens: McpSessionTokens;

  constructor(
    environment: Environment,
    @Inject(MCP_ACCESS) private readonly access: McpAccess,
    private readonly registry: McpServerRegistry,
    private readonly keys: McpUpstreamKeys,
    private readonly processes: McpProcessManager,
    private readonly usage: McpUsageRecorder,
  ) {
    this.tokens = new McpSessionTokens(environment.ADMIN_KEY);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.agent.close();
  }

  async handle(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const name = (request.params as { name: string }).name;
    const exchange: McpExchange = {
      requestId: request.id,
      startTime: Date.now(),
      started: performance.now(),
      server: name,
      method: request.method,
      messages: [],
      caller: null,
      upstreamUrl: null,
      streamed: false,
      sourceIp: request.ip ?? null,
    };
    try {
      await this.proxy(request, reply, exchange);
    } catch (error) {
      if (!(error instanceof McpRefusal)) throw error;
      this.refuse(request, reply, exchange, error);
    }
  }

  private async proxy(request: FastifyRequest, reply: FastifyReply, exchange: McpExchange): Promise<void> {
    const caller = this.authenticate(request, exchange.server);
    exchange.caller = caller;
    const server = await this.registry.get(exchange.server);
    if (!server || !server.enabled)
      throw new McpRefusal(404, 'not_found', `MCP server '${exchange.server}' does not exist or is disabled`);
    if (!mayUseServer(caller.policy, exchange.server))
      throw new McpRefusal(403, 'forbidden', `This API key may not use MCP server '${exchange.server}'`);
    const session = this.sessionOf(request, exchange.server, caller);
    const body = request.method === 'POST' ? this.parseBody(request, exchange) : undefined;
    const refused = this.hiddenToolCalls(exchange, caller);
    if (refused) {
      this.record(exchange, 200, { code: String(JSONRPC.INVALID_PARAMS), message: 'tool hidden by key policy' });
      await reply.code(200).type('application/json').send(refused);
      return;
    }
    const admission = request.method === 'POST' ? await this.admit(caller) : null;
    exchange.upstreamUrl = await this.upstreamUrlOf(exchange.server, server);
    await this.forward(request, reply, { exchange, server, session, body, admission, caller });
  }

  private authenticate(request: FastifyRequest, server: string): McpCaller {
    const result = this.access.authenticate(request);
    if (result.ok) return result.caller;
    const host = request.headers['x-forwarded-host'] ?? request.headers.host ?? 'localhost';
    const metadata = `${request.protocol}://${String(host)}/.well-known/oauth-protected-resource/mcp/${server}`;
    throw new McpRefusal(
      401,
      'authentication_error',
      result.reason === 'missing'
        ? 'Missing API key: send a Plexus API key as Authorization: Bearer <key>'
        : 'Invalid API key',
      { 'www-authenticate': `Bearer resource_metadata="${metadata}"` },
    );
  }

  private sessionOf(request: FastifyRequest, server: string, caller: McpCaller): McpSessionClaims | null {
    const header = request.headers['mcp-session-id'];
    const token = Array.isArray(header) ? header[0] : header;
    if (token === undefined) {
      if (request.method === 'DELETE') throw new McpRefusal(400, 'invalid_request', 'Mcp-Session-Id is required');
      return null;
    }
    const claims = this.tokens.verify(token);
    // Unknown to us, another server's or another key's: the client must start a new session.
    if (!claims || claims.server !== server || claims.caller !== caller.keyName)
      throw new McpRefusal(404, 'session_not_found', 'Session not found');
    return claims;
  }

  private parseBody(request: FastifyRequest, exchange: McpExchange): Buffer {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw new McpRefusal(400, 'parse_error', 'The body is not JSON', {}, JSONRPC.PARSE_ERROR);
    }
    const messages = messagesOf(parsed);
    if (!messages)
      throw new McpRefusal(400, 'invalid_request', 'The body is not JSON-RPC', {}, JSONRPC.INVALID_REQUEST);
    exchange.messages = messages;
    return body;
  }

  /** The answer to a POST that calls a tool the key may not see: the tool is unknown to it. */
  private hiddenToolCalls(exchange: McpExchange, caller: McpCaller): unknown {
    const hidden = exchange.messages.filter((message) => {
      const tool = toolNameOf(message);
      return tool !== null && isRequest(message) && !toolVisible(caller.policy, exchange.server, tool);
    });
    if (hidden.length === 0) return null;
    const errors = exchange.messages
      .filter((message): message is JsonRpcMessage & { id: JsonRpcId } => isRequest(message))
      .map((message) =>
        errorResponse(
          message.id,
          JSONRPC.INVALID_PARAMS,
          hidden.includes(message) ? `Unknown tool: ${toolNameOf(message)}` : 'Not sent: the batch calls a hidden tool',
        ),
      );
    return exchange.messages.length === 1 ? errors[0] : errors;
  }

  private async admit(caller: McpCaller): Promise<McpAdmission> {
    try {
      return await this.access.admit(caller);
    } catch (error) {
      const { status, retryAfterSeconds, message } = error as {
        status?: number;
        retryAfterSeconds?: number;
        message: string;
      };
      throw new McpRefusal(
        status ?? 500,
        status === 429 ? 'rate_limit_error' : 'quota_error',
        message,
        retryAfterSeconds !== undefined ? { 'retry-after': String(retryAfterSeconds) } : {},
      );
    }
  }

  private async upstreamUrlOf(name: string, server: McpServerConfig): Promise<string> {
    if (server.mode === 'remote_http') return server.upstream_url!;
    try {
      return await this.processes.endpointOf(name, server);
    } catch (error) {
      throw new McpRefusal(
        502,
        'upstream_error',
        `MCP server '${name}' could not be started: ${(error as Error).message}`,
      );
    }
  }

  private async forward(
    request: FastifyRequest,
    reply: FastifyReply,
    params: {
      exchange: McpExchange;
      server: McpServerConfig;
      session: McpSessionClaims | null;
      body: Buffer | undefined;
      admission: McpAdmission | null;
      caller: McpCaller;
    },
  ): Promise<void> {
    const { exchange, server, session, body, admission, caller } = params;
    const abort = new AbortController();
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) abort.abort();
    });
    const tried = new Set<number>();
    let key = await this.keyFor(exchange.server, session, tried);
    let upstream: Dispatcher.ResponseData;
    for (;;) {
      try {
        upstream = await upstreamRequest(exchange.upstreamUrl!, {
          method: request.method,
          headers: upstreamHeaders({
            client: request.headers,
            staticHeaders: server.headers,
            authScheme: server.auth_scheme,
            key: key?.key ?? null,
            upstreamSession: session?.upstream ?? null,
          }),
          ...(body !== undefined && { body }),
          signal: abort.signal,
          dispatcher: this.agent,
          headersTimeout: server.timeout_ms,
          // The GET stream may stay silent as long as the server has nothing to say.
          bodyTimeout: request.method === 'GET' ? 0 : server.timeout_ms,
        });
      } catch (error) {
        admission?.finish(false);
        if (abort.signal.aborted) return this.record(exchange, 499, { code: 'cancelled', message: 'client went away' });
        const timedOut = error instanceof undiciErrors.HeadersTimeoutError;
        throw new McpRefusal(
          timedOut ? 504 : 502,
          timedOut ? 'upstream_timeout' : 'upstream_error',
          timedOut
            ? `MCP server '${exchange.server}' did not answer within ${server.timeout_ms} ms`
            : `MCP server '${exchange.server}' could not be reached: ${(error as Error).message}`,
          {},
          timedOut ? JSONRPC.UPSTREAM_TIMEOUT : JSONRPC.UPSTREAM_ERROR,
        );
      }
      if ((upstream.statusCode !== 429 && upstream.statusCode !== 402) || key === null) break;
      this.keys.coolDown(key.id, retryAfterMs(upstream.headers['retry-after']));
      // A session keeps its key: only a request outside any session (initialize) moves on to the next one.
      if (session !== null) break;
      tried.add(key.id);
      const next = await this.keys.pick(exchange.server, tried);
      if (next === null) break;
      upstream.body.resume();
      key = next;
    }
    admission?.finish(true);
    await this.relay(request, reply, { exchange, upstream, session, key, caller, abort });
  }

  private async keyFor(
    server: string,
    session: McpSessionClaims | null,
    tried: Set<number>,
  ): Promise<McpUpstreamKey | null> {
    if (session === null) return this.keys.pick(server, tried);
    if (session.keyId === null) return null;
    const pinned = await this.keys.byId(server, session.keyId);
    // The session's key was removed: the session can't go on with another.
    if (!pinned) throw new McpRefusal(404, 'session_not_found', 'Session not found: its upstream key was removed');
    return pinned;
  }

  private async relay(
    request: FastifyRequest,
    reply: FastifyReply,
    params: {
      exchange: McpExchange;
      upstream: Dispatcher.ResponseData;
      session: McpSessionClaims | null;
      key: McpUpstreamKey | null;
      caller: McpCaller;
      abort: AbortController;
    },
  ): Promise<void> {
    const { exchange, upstream, session, key, caller } = params;
    const contentType = String(upstream.headers['content-type'] ?? '');
    const headers = relayedResponseHeaders(upstream.headers);
    const upstreamSession = upstream.headers['mcp-session-id'];
    const sessionId =
      typeof upstreamSession === 'string' && upstreamSession !== session?.upstream
        ? this.tokens.sign({
            server: exchange.server,
            upstream: upstreamSession,
            keyId: key?.id ?? null,
            caller: caller.keyName,
          })
        : session !== null
          ? (request.headers['mcp-session-id'] as string)
          : undefined;
    if (sessionId !== undefined) headers['mcp-session-id'] = sessionId;
    const listIds = new Set(
      exchange.messages.filter((m) => m.method === 'tools/list' && isRequest(m)).map((m) => m.id as JsonRpcId),
    );
    const rewrite = (message: JsonRpcMessage): JsonRpcMessage =>
      (typeof message.id === 'string' || typeof message.id === 'number') &&
      listIds.has(message.id) &&
      message.result !== undefined &&
      filtersTools(caller.policy, exchange.server)
        ? {
            ...message,
            result: filterToolsResult(message.result, (tool) => toolVisible(caller.policy, exchange.server, tool)),
          }
        : message;

    void reply.code(upstream.statusCode).headers(headers);
    let outcome: { code: string; message: string } | undefined;
    const finished = (): void => this.record(exchange, upstream.statusCode, outcome);
    reply.raw.once('close', finished);

    if (/text\/event-stream/i.test(contentType)) {
      exchange.streamed = true;
      void reply.header('cache-control', 'no-cache').header('x-accel-buffering', 'no');
      const pending = new Set(request.method === 'POST' ? exchange.messages.filter(isRequest).map((m) => m.id) : []);
      const relay = new SseRelay({ pending, rewrite });
      upstream.body.once('error', (error: Error) => {
        if (params.abort.signal.aborted) return;
        const timedOut = error instanceof undiciErrors.BodyTimeoutError;
        outcome = { code: timedOut ? 'upstream_timeout' : 'upstream_error', message: error.message };
        relay.failPending(
          timedOut
            ? `MCP server '${exchange.server}' went silent for longer than the timeout`
            : `MCP server '${exchange.server}' broke off the stream: ${error.message}`,
          timedOut ? 'upstream_timeout' : 'upstream_error',
        );
        relay.end();
      });
      upstream.body.pipe(relay, { end: true });
      await reply.send(relay);
      return;
    }
    if (listIds.size > 0 && /json/i.test(contentType) && filtersTools(caller.policy, exchange.server)) {
      const text = await upstream.body.text();
      let answer: unknown;
      try {
        const parsed = JSON.parse(text) as JsonRpcMessage | JsonRpcMessage[];
        answer = Array.isArray(parsed) ? parsed.map(rewrite) : rewrite(parsed);
      } catch {
        answer = text;
      }
      delete headers['content-length'];
      await reply.send(typeof answer === 'string' ? answer : JSON.stringify(answer));
      return;
    }
    upstream.body.once('error', (error: Error) => {
      outcome = { code: 'upstream_error', message: error.message };
    });
    await reply.send(upstream.body);
  }

  private refuse(request: FastifyRequest, reply: FastifyReply, exchange: McpExchange, refusal: McpRefusal): void {
    this.record(exchange, refusal.status, { code: refusal.type, message: refusal.message });
    if (reply.sent) return;
    const ids = exchange.messages.filter(isRequest).map((message) => message.id);
    // A JSON-RPC request that could not be delivered is answered in JSON-RPC, so MCP clients surface the reason.
    const jsonRpc =
      request.method === 'POST' && refusal.jsonRpcCode !== undefined
        ? ids.length === 1 || ids.length === 0
          ? errorResponse(ids[0] ?? null, refusal.jsonRpcCode, refusal.message, refusal.type)
          : ids.map((id) => errorResponse(id, refusal.jsonRpcCode!, refusal.message, refusal.type))
        : null;
    void reply
      .code(refusal.status)
      .headers(refusal.headers)
      .type('application/json')
      .send(jsonRpc ?? { error: { message: refusal.message, type: refusal.type } });
  }

  private record(exchange: McpExchange, status: number, error?: { code: string; message: string }): void {
    if (exchange.recorded) return;
    exchange.recorded = true;
    const first = exchange.messages[0];
    this.usage.record({
      requestId: exchange.requestId,
      createdAt: new Date(exchange.startTime),
      startTime: exchange.startTime,
      durationMs: Math.round(performance.now() - exchange.started),
      serverName: exchange.server,
      upstreamUrl: exchange.upstreamUrl,
      method: exchange.method,
      jsonrpcMethod: typeof first?.method === 'string' ? first.method : null,
      toolName: first ? toolNameOf(first) : null,
      apiKey: exchange.caller?.keyName ?? null,
      attribution: exchange.caller?.attribution ?? null,
      sourceIp: exchange.sourceIp,
      responseStatus: status,
      isStreamed: exchange.streamed,
      errorCode: error?.code ?? null,
      errorMessage: error?.message.slice(0, 2000) ?? null,
    });
  }
}

function retryAfterMs(value: string | string[] | undefined): number | null {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined) return null;
  const seconds = Number(text);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}
