import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ApiKeyDirectory, TrustedProxies, extractPresentedKey, type ApiKeyPrincipal } from '@plexus/auth';
import { ErrorCode, GatewayException } from '@plexus/core';
import { encodeChatErrorBody } from '@plexus/protocols/openai-chat';
import { QuotaExceededException, QuotaService, type Reservation } from '@plexus/quota';
import { RoutingConfigService } from '@plexus/routing';
import { RequestEventBus, UsageRecorder, type UsageRecord } from '@plexus/usage';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Agent, request as upstreamRequest, type Dispatcher } from 'undici';
import { parseRawUrl } from './raw-path';
import { RawUsageObserver, isRecognizedRawPath } from './raw-usage.observer';

/** The client's credentials for Plexus: never relayed (the provider's key is injected instead). */
const CLIENT_CREDENTIAL_HEADERS = new Set([
  'authorization',
  'api-key',
  'proxy-authorization',
  'x-admin-key',
  'x-api-key',
  'x-goog-api-key',
]);

/** Hop-by-hop headers (RFC 9110 §7.6.1): never relayed either way. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Set by the HTTP client itself on the upstream request. */
const CLIENT_SET = new Set(['host', 'content-length']);

/** An upstream that sends nothing for this long is given up on (a 504 before any byte, a cut stream after). */
const UPSTREAM_TIMEOUT_MS = 600_000;

type AuthStyle = 'bearer' | 'x-api-key' | 'x-goog-api-key';

interface RawTarget {
  provider: string;
  baseUrl: string;
  auth: AuthStyle;
  apiKey: string | null;
}

/**
 * `/raw/{provider}/{path}`: a provider's native API, relayed without routing, failover or
 * translation, for keys allowed raw access to raw-enabled providers. The client's own
 * credentials are dropped and the provider's key injected; the upstream's status, headers
 * and body come back unchanged (streamed), and each request leaves a usage row (`raw`),
 * with tokens when the answer is a recognizable LLM response.
 */
@Injectable()
export class RawPassthrough implements OnApplicationShutdown {
  private readonly logger = new Logger(RawPassthrough.name);
  private readonly agent = new Agent({ connect: { timeout: 10_000 }, keepAliveTimeout: 30_000 });

  constructor(
    private readonly directory: ApiKeyDirectory,
    private readonly proxies: TrustedProxies,
    private readonly routingConfig: RoutingConfigService,
    private readonly usage: UsageRecorder,
    private readonly quotas: QuotaService,
    private readonly events: RequestEventBus,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.agent.close();
  }

  async handle(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const startTime = new Date();
    const startedAt = performance.now();
    void reply.header('x-plexus-request-id', request.id);
    let principal: ApiKeyPrincipal;
    let target: RawTarget;
    let upstreamPath: string;
    try {
      principal = this.authenticate(request);
      const parsed = parseRawUrl(request.url);
      upstreamPath = parsed.path;
      target = this.targetFor(parsed.provider, principal);
    } catch (error) {
      await refuse(reply, error);
      return;
    }

    const body =
      request.method === 'GET' ||
      request.method === 'HEAD' ||
      !Buffer.isBuffer(request.body) ||
      request.body.length === 0
        ? undefined
        : request.body;
    const row = {
      requestId: request.id,
      startTime,
      startedAt,
      principal,
      provider: target.provider,
      sourceIp: request.ip ?? null,
      clientRequestId: headerValue(request.headers['x-client-request-id'])?.trim().slice(0, 255) || null,
      model: requestedModel(body, upstreamPath),
    };
    this.started(row);

    // The key's quotas count the request before it leaves (nothing to estimate: tokens
    // are settled from the answer when it can be read).
    let reservation: Reservation | null;
    try {
      reservation = this.quotas.applies(principal) ? await this.quotas.admit(principal, { tokens: 0, cost: 0 }) : null;
    } catch (error) {
      this.record(row, {
        status: 'error',
        httpStatus: error instanceof GatewayException ? error.status : 500,
        ttftMs: null,
        error: (error as Error).message,
      });
      await refuse(reply, error);
      return;
    }
    if (reservation) void reply.headers(reservation.headers);
    const settleQuota = (reached: boolean, tokens: number): void => {
      if (!reservation) return;
      void (reached ? this.quotas.settle(reservation, { tokens, cost: 0 }) : this.quotas.release(reservation));
    };
    const abort = new AbortController();
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) abort.abort();
    });

    let upstream: Dispatcher.ResponseData;
    try {
      upstream = await upstreamRequest(`${target.baseUrl}${withoutPlexusKey(upstreamPath, request)}`, {
        method: request.method,
        headers: this.upstreamHeaders(request, target),
        ...(body !== undefined && { body }),
        signal: abort.signal,
        dispatcher: this.agent,
        headersTimeout: UPSTREAM_TIMEOUT_MS,
        bodyTimeout: UPSTREAM_TIMEOUT_MS,
      });
    } catch (error) {
      const cancelled = abort.signal.aborted;
      settleQuota(false, 0);
      this.record(row, {
        status: cancelled ? 'cancelled' : 'error',
        httpStatus: cancelled ? null : 502,
        ttftMs: null,
        error: (error as Error).message,
      });
      if (cancelled) return;
      const failure = new GatewayException(ErrorCode.UPSTREAM_UNREACHABLE, {
        message: `Provider '${target.provider}' could not be reached: ${(error as Error).message}`,
      });
      await reply.code(502).send(encodeChatErrorBody(failure.body));
      return;
    }

    const ttftMs = Math.round(performance.now() - startedAt);
    const contentType = headerValue(upstream.headers['content-type']) ?? '';
    const observer = isRecognizedRawPath(upstreamPath) ? new RawUsageObserver() : null;
    if (observer) upstream.body.on('data', (chunk: Buffer) => observer.push(chunk));
    const finished = (status: UsageRecord['responseStatus'], error?: string): void => {
      const usage = observer?.usage(contentType);
      settleQuota(true, usage ? usage.inputTokens + usage.outputTokens + usage.cachedTokens : 0);
      this.record(row, {
        status,
        httpStatus: upstream.statusCode,
        ttftMs,
        streamed: /event-stream/i.test(contentType),
        ...(usage && { usage }),
        ...(error !== undefined && { error }),
      });
    };
    let settled = false;
    const settle = (status: UsageRecord['responseStatus'], error?: string): void => {
      if (settled) return;
      settled = true;
      finished(status, error);
    };
    reply.raw.once('finish', () => settle(upstream.statusCode < 400 ? 'success' : 'error'));
    reply.raw.once('close', () =>
      settle(reply.raw.writableFinished ? (upstream.statusCode < 400 ? 'success' : 'error') : 'cancelled'),
    );
    upstream.body.once('error', (error: Error) => settle(abort.signal.aborted ? 'cancelled' : 'error', error.message));

    void reply.code(upstream.statusCode);
    for (const [name, value] of Object.entries(upstream.headers)) {
      if (value === undefined || HOP_BY_HOP.has(name.toLowerCase())) continue;
      void reply.header(name, value);
    }
    // A HEAD answer has no body to relay, whatever its content-length says.
    if (request.method === 'HEAD') {
      upstream.body.resume();
      await reply.send();
      return;
    }
    await reply.send(upstream.body);
  }

  private authenticate(request: FastifyRequest): ApiKeyPrincipal {
    const presented = extractPresentedKey(request.headers, request.query as Record<string, unknown>);
    if (!presented)
      throw new GatewayException(ErrorCode.MISSING_API_KEY, {
        message: 'Missing API key: send it as Authorization: Bearer <key> or x-api-key',
      });
    const address = this.proxies.clientAddress(request.raw.socket.remoteAddress, request.headers['x-forwarded-for']);
    const result = this.directory.authenticate(presented.secret, presented.attribution, address);
    if (!result.ok) throw new GatewayException(ErrorCode.INVALID_API_KEY, { message: 'Invalid API key' });
    return result.principal;
  }

  private targetFor(slug: string, principal: ApiKeyPrincipal): RawTarget {
    const { policy } = principal;
    if (policy.allowRawPassthrough !== true)
      throw new GatewayException(ErrorCode.FORBIDDEN, { message: 'This API key is not allowed raw provider access' });
    if (
      policy.excludedProviders?.includes(slug) ||
      (policy.allowedProviders !== undefined &&
        policy.allowedProviders.length > 0 &&
        !policy.allowedProviders.includes(slug))
    ) {
      throw new GatewayException(ErrorCode.FORBIDDEN, { message: `This API key may not use provider '${slug}'` });
    }
    const provider = this.routingConfig.provider(slug);
    const raw = provider?.settings['raw_passthrough'] as
      { enabled?: unknown; base_url?: unknown; auth?: unknown } | undefined;
    if (!provider || !provider.enabled || raw?.enabled !== true || typeof raw.base_url !== 'string') {
      throw new GatewayException(ErrorCode.PROVIDER_NOT_FOUND, {
        message: `Provider '${slug}' does not exist, is disabled or is not raw-enabled`,
      });
    }
    const auth = raw.auth === 'x-api-key' || raw.auth === 'x-goog-api-key' ? raw.auth : 'bearer';
    return { provider: slug, baseUrl: raw.base_url.replace(/\/+$/, ''), auth, apiKey: provider.apiKey };
  }

  private upstreamHeaders(request: FastifyRequest, target: RawTarget): Record<string, string | string[]> {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      const lower = name.toLowerCase();
      if (
        value === undefined ||
        CLIENT_CREDENTIAL_HEADERS.has(lower) ||
        HOP_BY_HOP.has(lower) ||
        CLIENT_SET.has(lower) ||
        lower.startsWith('x-plexus-')
      )
        continue;
      headers[lower] = value;
    }
    if (target.apiKey) {
      if (target.auth === 'bearer') headers['authorization'] = `Bearer ${target.apiKey}`;
      else headers[target.auth] = target.apiKey;
    }
    return headers;
  }

  /** In flight from here: every path on from here ends with `record` (metrics gauge, live feed, restart drain). */
  private started(row: {
    requestId: string;
    clientRequestId: string | null;
    startTime: Date;
    principal: ApiKeyPrincipal;
    sourceIp: string | null;
    model: string | null;
    provider: string;
  }): void {
    this.usage.started({
      requestId: row.requestId,
      apiKey: row.principal.keyName,
      model: row.model ?? `raw/${row.provider}`,
      startedAt: row.startTime.getTime(),
    });
    if (!this.events.listening) return;
    this.events.emit({
      type: 'request.started',
      apiKey: row.principal.keyName,
      data: {
        requestId: row.requestId,
        clientRequestId: row.clientRequestId,
        startTime: row.startTime,
        apiKey: row.principal.keyName,
        attribution: row.principal.attribution,
        sourceIp: row.sourceIp,
        incomingApiType: 'raw',
        incomingModelAlias: row.model ?? `raw/${row.provider}`,
        // Known only once the answer's headers arrive.
        isStreamed: false,
      },
    });
  }

  private record(
    row: {
      requestId: string;
      startTime: Date;
      startedAt: number;
      principal: ApiKeyPrincipal;
      provider: string;
      sourceIp: string | null;
      clientRequestId: string | null;
      model: string | null;
    },
    outcome: {
      status: UsageRecord['responseStatus'];
      httpStatus: number | null;
      ttftMs: number | null;
      streamed?: boolean;
      usage?: {
        model: string | null;
        inputTokens: number;
        outputTokens: number;
        cachedTokens: number;
        reasoningTokens: number;
      };
      error?: string;
    },
  ): void {
    const model = row.model ?? outcome.usage?.model ?? null;
    try {
      this.usage.record({
        requestId: row.requestId,
        clientRequestId: row.clientRequestId,
        startTime: row.startTime,
        apiKey: row.principal.keyName,
        attribution: row.principal.attribution,
        sourceIp: row.sourceIp,
        incomingApiType: 'raw',
        outgoingApiType: null,
        incomingModelAlias: model,
        provider: row.provider,
        selectedModelName: outcome.usage?.model ?? model,
        isStreamed: outcome.streamed ?? false,
        isPassthrough: true,
        responseStatus: outcome.status,
        httpStatus: outcome.httpStatus,
        tokensInput: outcome.usage?.inputTokens ?? 0,
        tokensOutput: outcome.usage?.outputTokens ?? 0,
        tokensReasoning: outcome.usage?.reasoningTokens ?? 0,
        tokensCached: outcome.usage?.cachedTokens ?? 0,
        tokensCacheWrite: 0,
        providerReportedCost: null,
        costInput: 0,
        costOutput: 0,
        costCached: 0,
        costCacheWrite: 0,
        costTotal: 0,
        costSource: null,
        durationMs: Math.round(performance.now() - row.startedAt),
        ttftMs: outcome.ttftMs,
        tokensPerSec: null,
        attemptCount: 1,
        retryHistory: [],
        finishReason: null,
        errorMessage: outcome.error ?? null,
        clientDisconnected: outcome.status === 'cancelled',
      });
    } catch (error) {
      this.logger.error(`raw passthrough usage row lost: ${(error as Error).message}`);
    }
  }
}

/** A refusal in the OpenAI error shape; a quota refusal in the reference's quota body, with its headers. */
async function refuse(reply: FastifyReply, error: unknown): Promise<void> {
  const failure = error instanceof GatewayException ? error : new GatewayException(ErrorCode.INTERNAL);
  if (failure.retryAfterSeconds !== undefined) void reply.header('retry-after', String(failure.retryAfterSeconds));
  if (failure instanceof QuotaExceededException) {
    await reply.headers(failure.headers).code(failure.status).send(failure.wireBody());
    return;
  }
  await reply.code(failure.status).send(encodeChatErrorBody(failure.body));
}

/** A Plexus key given as `?key=` authenticated the client: it is not the provider's to see. */
function withoutPlexusKey(pathAndQuery: string, request: FastifyRequest): string {
  const queryKey = (request.query as Record<string, unknown> | undefined)?.['key'];
  const headerCredential = ['authorization', 'x-api-key', 'x-goog-api-key'].some(
    (name) => request.headers[name] !== undefined,
  );
  if (typeof queryKey !== 'string' || headerCredential) return pathAndQuery;
  const [path, query = ''] = pathAndQuery.split('?', 2) as [string, string?];
  const params = new URLSearchParams(query);
  params.delete('key');
  const rest = params.toString();
  return rest === '' ? path : `${path}?${rest}`;
}

function requestedModel(body: Buffer | undefined, path: string): string | null {
  const gemini = /\/models\/([^/:?]+):/.exec(path);
  if (gemini?.[1]) return decodeURIComponent(gemini[1]);
  if (!body || body.length > 1024 * 1024) return null;
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    const model = (parsed as { model?: unknown } | null)?.model;
    return typeof model === 'string' ? model : null;
  } catch {
    return null;
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
