import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ApiKeyDirectory, TrustedProxies, extractPresentedKey, type ApiKeyPrincipal } from '@plexus/auth';
import { ErrorCode, GatewayException } from '@plexus/core';
import { encodeChatErrorBody } from '@plexus/protocols/openai-chat';
import { QuotaExceededException } from '@plexus/quota';
import { RoutingConfigService, type RouteTarget } from '@plexus/routing';
import type { MediaChunk } from '@plexus/providers';
import type { UsageRecord } from '@plexus/usage';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Agent } from 'undici';
import { MediaReplyWriter } from '../pipeline/media-reply-writer';
import type { AuthenticatedRequest } from '../pipeline/request-context';
import { createRequestContext } from '../pipeline/request-context.factory';
import { RequestLifecycle } from '../pipeline/request-lifecycle';
import { standInRequest } from '../pipeline/stand-in-request';
import { parseRawUrl } from './raw-path';
import type { RawUsage } from './raw-usage.observer';
import { isRecognizedRawPath } from './raw-usage.observer';
import { rawUpstreamCall, type RawTarget } from './raw-upstream';

/** An upstream that sends nothing for this long is given up on (a 504 before any byte, a cut stream after). */
const UPSTREAM_TIMEOUT_MS = 600_000;

/**
 * `/raw/{provider}/{path}`: a provider's native API, relayed without routing, failover or
 * translation, for keys allowed raw access to raw-enabled providers. The client's own
 * credentials are dropped and the provider's key injected; the upstream's status, headers
 * and body come back unchanged (streamed), and each request leaves a usage row (`raw`),
 * with tokens when the answer is a recognizable LLM response.
 *
 * It runs the request lifecycle like every other request (quota admission, the usage
 * row, metrics, events and traces, backpressure) with a one-target plan and a body
 * strategy that relays bytes and never touches routing health: no failover, cooldowns or
 * performance stats, no cost.
 */
@Injectable()
export class RawPassthrough implements OnApplicationShutdown {
  private readonly agent = new Agent({ connect: { timeout: 10_000 }, keepAliveTimeout: 30_000 });

  constructor(
    private readonly directory: ApiKeyDirectory,
    private readonly proxies: TrustedProxies,
    private readonly routingConfig: RoutingConfigService,
    private readonly lifecycle: RequestLifecycle,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.agent.close();
  }

  async handle(request: FastifyRequest & AuthenticatedRequest, reply: FastifyReply): Promise<void> {
    void reply.header('x-plexus-request-id', request.id);
    let target: RawTarget;
    let upstreamPath: string;
    try {
      request.plexusPrincipal = this.authenticate(request);
      const parsed = parseRawUrl(request.url);
      upstreamPath = parsed.path;
      target = this.targetFor(parsed.provider, request.plexusPrincipal);
    } catch (error) {
      await refuse(reply, error);
      return;
    }
    const context = createRequestContext(request, 'raw');
    context.responseHeaders = { 'x-plexus-request-id': request.id };
    const body =
      request.method === 'GET' ||
      request.method === 'HEAD' ||
      !Buffer.isBuffer(request.body) ||
      request.body.length === 0
        ? undefined
        : request.body;
    const model = requestedModel(body, upstreamPath);
    let answered: { status: number; streamed: boolean } | null = null;
    let reported: RawUsage | null = null;
    const routeTarget = rawRouteTarget(target, model);
    const chunks$ = this.lifecycle.run<MediaChunk>({
      context,
      request: standInRequest(model ?? `raw/${target.provider}`),
      rawBody: body?.toString('utf8') ?? null,
      plan: { alias: model ?? `raw/${target.provider}`, targets: [routeTarget], skipped: [] },
      strategy: {
        kind: 'raw',
        isPassthrough: () => true,
        // Counted against the key's quotas; nothing to estimate, tokens settle from the answer.
        estimate: { tokens: 0, cost: 0 },
        recordsHealth: false,
        catalogPricing: false,
        accounting: (chunk) =>
          chunk.type === 'usage' ? { type: 'usage', usage: chunk.usage } : { type: 'passthrough', data: '' },
        send: ({ capture }) =>
          rawUpstreamCall({
            request,
            target,
            path: withoutPlexusKey(upstreamPath, request),
            body,
            timeoutMs: UPSTREAM_TIMEOUT_MS,
            dispatcher: this.agent,
            readsUsage: isRecognizedRawPath(upstreamPath),
            onHead: (status, contentType) => {
              answered = { status, streamed: /event-stream/i.test(contentType) };
            },
            onUsage: (usage) => {
              reported = usage;
            },
            ...(capture && { observer: capture }),
            ...(context.clientFlow && { flow: context.clientFlow }),
          }),
        finalizeRow: (row) => rawRow(row, { model, answered, reported }),
      },
    });
    try {
      await new MediaReplyWriter(reply, context.responseHeaders).write(chunks$);
    } catch (error) {
      await refuse(reply, error);
    }
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
}

/** The plan's one target: the raw provider, as the lifecycle and its observers see it. */
function rawRouteTarget(target: RawTarget, model: string | null): RouteTarget {
  return {
    provider: target.provider,
    model: model ?? `raw/${target.provider}`,
    // Not an API type the gateway speaks: the usage row names none (see rawRow).
    apiType: 'chat',
    baseUrl: target.baseUrl,
    apiKey: target.apiKey,
    headers: {},
    extraBody: {},
    timeoutMs: UPSTREAM_TIMEOUT_MS,
    group: 'raw',
    modelConfig: {},
    discount: 0,
    stall: {},
  };
}

/**
 * A raw request's usage row: the upstream's own status (a 4xx/5xx it answered is an
 * error the client received as is), its reported model and tokens, no cost, no
 * outgoing API type and no attempt history.
 */
function rawRow(
  row: UsageRecord,
  outcome: { model: string | null; answered: { status: number; streamed: boolean } | null; reported: RawUsage | null },
): UsageRecord {
  const { answered, reported } = outcome;
  const model = outcome.model ?? reported?.model ?? null;
  const upstreamFailed = answered !== null && answered.status >= 400;
  return {
    ...row,
    incomingApiType: 'raw',
    outgoingApiType: null,
    incomingModelAlias: model,
    selectedModelName: reported?.model ?? model,
    isStreamed: answered?.streamed ?? false,
    isPassthrough: true,
    responseStatus: row.responseStatus === 'success' && upstreamFailed ? 'error' : row.responseStatus,
    httpStatus: answered?.status ?? row.httpStatus,
    providerReportedCost: null,
    costInput: 0,
    costOutput: 0,
    costCached: 0,
    costCacheWrite: 0,
    costTotal: 0,
    costSource: null,
    tokensPerSec: null,
    attemptCount: 1,
    retryHistory: [],
    finishReason: null,
  };
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
