import { Injectable } from '@nestjs/common';
import {
  ErrorCode,
  GatewayException,
  isApiFormat,
  type CanonicalChunk,
  type CanonicalRequest,
  type ModelPricing,
} from '@plexus/core';
import {
  GeminiEmbeddingsAdapter,
  OpenAiMediaAdapter,
  ProviderAdapterRegistry,
  type MediaBody,
  type MediaChunk,
  type MediaEndpoint,
  type UpstreamCall,
  type UpstreamObserver,
  type UpstreamTarget,
} from '@plexus/providers';
import { QuotaService, estimateUsage, type Reservation } from '@plexus/quota';
import {
  CooldownService,
  NoHealthyTargetException,
  PerformanceStats,
  RouterService,
  RoutingSettings,
  type RoutePlan,
  type RouteTarget,
} from '@plexus/routing';
import { ModelCatalog, RequestObservation, UsageRecorder, type UsageRecord } from '@plexus/usage';
import { Observable, throwError, type Subscription } from 'rxjs';
import { attemptLimit, cooldownFailure, withFailover } from './failover';
import { observedError, observedRequest } from './observation';
import type { RequestContext } from './request-context';
import { resolveStallPolicy } from './stall-policy';
import { UsageTap } from './usage-tap';
import { ContextWindowGuard, configuredContextWindow } from './context-window';

export interface ExecutionParams {
  context: RequestContext;
  request: CanonicalRequest;
  /** The client's body as received, for the same-format pass-through. */
  rawBody: Record<string, unknown>;
  /** False when the gateway must see the canonical answer (e.g. to store it). */
  allowPassthrough?: boolean;
}

export interface Execution {
  /** Cold: subscribing sends the request; unsubscribing aborts it and records a cancellation. */
  chunks$: Observable<CanonicalChunk>;
  alias: string;
}

export interface MediaExecutionParams {
  /** Its `format` is the endpoint's media type, which picks the aliases it may use. */
  context: RequestContext;
  endpoint: MediaEndpoint;
  model: string;
  body: MediaBody;
  /** The client's body as a debug trace shows it (files by name and size). */
  tracedBody: Record<string, unknown>;
  /** The text the request sends (input, prompt), for the quota admission's estimate. */
  inputText: string;
}

export interface MediaExecution {
  /** Cold, as Execution's: the answer's content type, its bytes, then its usage. */
  chunks$: Observable<MediaChunk>;
  alias: string;
}

interface AttemptParams {
  target: RouteTarget;
  upstream: UpstreamTarget;
  capture: UpstreamObserver | undefined;
  failOnEmpty: boolean;
}

interface RunParams<T> {
  context: RequestContext;
  request: CanonicalRequest;
  rawBody: unknown;
  isPassthrough: (target: RouteTarget) => boolean;
  attempt: (params: AttemptParams) => Observable<T>;
  accounting: (chunk: T) => CanonicalChunk;
}

/**
 * What routing, admission and the usage record need of a media request: its model, and
 * its input as one user message so the admission can estimate its tokens.
 */
function mediaStandIn(model: string, inputText: string): CanonicalRequest {
  return {
    model,
    instructions: [],
    messages: inputText ? [{ role: 'user', content: [{ type: 'text', text: inputText }] }] : [],
    tools: [],
    sampling: {},
    stream: false,
    streamUsage: false,
    extensions: {},
  };
}

/**
 * The request pipeline: route, call the upstream through its adapter, fail over while
 * nothing has reached the client, and record usage when the request ends however it ends.
 */
@Injectable()
export class ExecutionService {
  constructor(
    private readonly router: RouterService,
    private readonly adapters: ProviderAdapterRegistry,
    private readonly usage: UsageRecorder,
    private readonly settings: RoutingSettings,
    private readonly cooldowns: CooldownService,
    private readonly performance: PerformanceStats,
    private readonly quotas: QuotaService,
    private readonly observation: RequestObservation,
    private readonly catalog: ModelCatalog,
    private readonly media: OpenAiMediaAdapter,
    private readonly geminiEmbeddings: GeminiEmbeddingsAdapter,
  ) {}

  execute(params: ExecutionParams): Execution {
    const { context, request, rawBody } = params;
    const allowPassthrough = params.allowPassthrough ?? true;
    const isPassthrough = (target: RouteTarget): boolean => allowPassthrough && target.apiType === context.format;
    return this.run<CanonicalChunk>({
      context,
      request,
      rawBody,
      isPassthrough,
      accounting: (chunk) => chunk,
      attempt: ({ target, upstream, capture, failOnEmpty }) => {
        const adapter = isApiFormat(target.apiType) ? this.adapters.get(target.apiType) : undefined;
        if (!adapter) {
          return throwError(
            () =>
              new GatewayException(ErrorCode.UNSUPPORTED_API_FORMAT, {
                message: `Provider '${target.provider}' speaks '${target.apiType}', which this gateway cannot call yet`,
              }),
          );
        }
        const call: UpstreamCall = {
          request,
          target: upstream,
          ...(isPassthrough(target) && { passthroughBody: rawBody }),
          failOnEmpty,
          ...(capture && { observer: capture }),
          ...(context.clientFlow && { flow: context.clientFlow }),
        };
        return adapter.execute(call);
      },
    });
  }

  /**
   * A media request (embeddings, audio, images): routed to aliases of its endpoint's type
   * and relayed to the target's OpenAI-compatible endpoint, with the same failover,
   * cooldowns, quota admission and usage record as a conversation.
   */
  executeMedia(params: MediaExecutionParams): MediaExecution {
    const { context, endpoint, body } = params;
    const request = mediaStandIn(params.model, params.inputText);
    return this.run<MediaChunk>({
      context,
      request,
      rawBody: params.tracedBody,
      isPassthrough: (target) => target.apiType !== 'gemini',
      // The relayed bytes are not text; only the usage means something to the tap.
      accounting: (chunk) =>
        chunk.type === 'usage' ? { type: 'usage', usage: chunk.usage } : { type: 'passthrough', data: '' },
      attempt: ({ target, upstream, capture }) => {
        const call = {
          endpoint,
          target: upstream,
          body,
          ...(capture && { observer: capture }),
          ...(context.clientFlow && { flow: context.clientFlow }),
        };
        return target.apiType === 'gemini' ? this.geminiEmbeddings.execute(call) : this.media.execute(call);
      },
    });
  }

  /**
   * The pipeline shared by every kind of request: route, call the upstream through
   * `attempt`, fail over while nothing has reached the client, and record usage when the
   * request ends however it ends. `accounting` shows the usage tap and the observers what
   * a chunk carries.
   */
  private run<T>(params: RunParams<T>): { chunks$: Observable<T>; alias: string } {
    const { context, request, rawBody, isPassthrough } = params;
    const plan = this.route(context, request);
    const targets = plan.targets;
    const tap = new UsageTap(context, request.model, request.stream, isPassthrough, (target) =>
      this.catalog.defaultPricing(target.model, target.provider),
    );
    const contextWindows = new ContextWindowGuard(
      (target) => configuredContextWindow(target) ?? this.catalog.contextWindow(target.model, target.provider),
    );
    tap.skipped(plan.skipped);
    const limit = attemptLimit(targets.length, this.settings.current.failover);
    const observer = this.observation.begin(() =>
      observedRequest({ context, request, rawBody, alias: plan.alias ?? request.model, targets }),
    );
    context.responseCapture = observer.responseCapture;

    const attempt = (index: number): Observable<T> => {
      const target = targets[index];
      const capture = observer.attemptStarted(target);
      const upstream: UpstreamTarget = {
        provider: target.provider,
        model: target.model,
        baseUrl: target.baseUrl,
        apiKey: target.apiKey,
        headers: target.headers,
        extraBody: target.extraBody,
        timeoutMs: target.timeoutMs ?? this.settings.current.timeout.defaultSeconds * 1000,
        stall: resolveStallPolicy(this.settings.current.stall, target.stall),
      };
      return context.upstream.observe(
        params.attempt({
          target,
          upstream,
          capture,
          // An empty answer is the answer on the last target that may be tried; before it, the next one is.
          failOnEmpty: targets.slice(index + 1, limit).some((next) => contextWindows.skipReason(next) === null),
        }),
      );
    };

    const alias = plan.alias ?? request.model;
    const chunks$ = new Observable<T>((subscriber) => {
      this.usage.started({
        requestId: context.requestId,
        apiKey: context.principal.keyName,
        model: alias,
        startedAt: context.startTime.getTime(),
      });
      let settled = false;
      let reservation: Reservation | null = null;
      const finish = (
        status: 'success' | 'error' | 'timeout' | 'cancelled',
        httpStatus: number | null,
        error?: unknown,
      ): void => {
        if (settled) return;
        settled = true;
        const row = tap.row({ status, httpStatus, error, now: performance.now() });
        this.usage.record(row);
        observer.finished(row, error === undefined ? null : observedError(error));
        if (reservation) this.chargeQuota(reservation, row);
        if (status === 'success' && row.provider !== null && row.selectedModelName !== null) {
          this.performance.record({
            provider: row.provider,
            model: row.selectedModelName,
            ttftMs: row.ttftMs,
            durationMs: row.durationMs ?? 0,
            outputTokens: row.tokensOutput,
            success: true,
          });
        }
      };
      let current = 0;
      let subscription: Subscription | null = null;
      const dispatch = (): void => {
        subscription = withFailover(
          targets.length,
          attempt,
          {
            onAttemptStart: (index) => {
              current = index;
              tap.attemptStarted(targets[index]);
            },
            onAttemptFailed: (index, error, afterFirstByte) => {
              tap.attemptFailed(targets[index], error);
              contextWindows.attemptFailed(targets[index], error);
              observer.attemptFailed(targets[index], observedError(error));
              const failed = targets[index];
              this.performance.record({
                provider: failed.provider,
                model: failed.model,
                ttftMs: null,
                durationMs: 0,
                outputTokens: 0,
                success: false,
              });
              // Marked once, here, with the upstream's Retry-After when it sent one.
              const failure = cooldownFailure(targets[index], error, afterFirstByte);
              if (failure) this.cooldowns.recordFailure(failure);
            },
            skip: (index) => {
              const reason = contextWindows.skipReason(targets[index]);
              if (reason !== null) tap.attemptSkipped(targets[index], reason);
              return reason !== null;
            },
          },
          this.settings.current.failover,
        ).subscribe({
          next: (chunk) => {
            const accounted = params.accounting(chunk);
            tap.observe(accounted, performance.now());
            observer.chunk(accounted);
            subscriber.next(chunk);
          },
          error: (error: unknown) => {
            const gateway = GatewayException.from(error);
            finish(gateway.code === ErrorCode.UPSTREAM_TIMEOUT ? 'timeout' : 'error', gateway.status, gateway);
            subscriber.error(gateway);
          },
          complete: () => {
            this.cooldowns.recordSuccess(targets[current].provider, targets[current].model);
            finish('success', 200);
            subscriber.complete();
          },
        });
      };
      // Quota admission before anything is dispatched: a refusal fails the request before
      // its first byte, so the format's exception filter answers 429.
      const admission = this.quotas.applies(context.principal) ? this.admit(context, request, targets[0]) : null;
      if (admission === null) dispatch();
      else {
        admission.then(
          (admitted) => {
            if (settled) {
              if (admitted) void this.quotas.release(admitted);
              return;
            }
            reservation = admitted;
            if (admitted && context.responseHeaders) Object.assign(context.responseHeaders, admitted.headers);
            dispatch();
          },
          (error: unknown) => {
            if (settled) return;
            const gateway = GatewayException.from(error);
            finish('error', gateway.status, gateway);
            subscriber.error(gateway);
          },
        );
      }
      return () => {
        subscription?.unsubscribe();
        finish('cancelled', null);
      };
    });
    return { chunks$, alias };
  }

  /** The route plan; when every target was left out, the refusal is recorded with the skipped targets first. */
  private route(context: RequestContext, request: CanonicalRequest): RoutePlan {
    try {
      return this.router.route({ model: request.model, incoming: context.format, policy: context.principal.policy });
    } catch (error) {
      if (error instanceof NoHealthyTargetException) {
        const tap = new UsageTap(context, request.model, request.stream, () => false);
        tap.skipped(error.skipped);
        this.usage.started();
        this.usage.record(tap.row({ status: 'error', httpStatus: error.status, error, now: performance.now() }));
      }
      throw error;
    }
  }

  /** Reserves the request's estimate (max output tokens + a cheap input count, priced on the first target). */
  private admit(
    context: RequestContext,
    request: CanonicalRequest,
    first: RouteTarget | undefined,
  ): Promise<Reservation | null> {
    const maxOutputTokens = request.sampling.maxOutputTokens;
    const estimate = estimateUsage({
      body: [request.instructions, request.messages, request.tools],
      ...(maxOutputTokens !== undefined && { maxOutputTokens }),
      ...(first !== undefined && {
        pricing:
          (first.modelConfig['pricing'] as ModelPricing | undefined) ??
          this.catalog.defaultPricing(first.model, first.provider) ??
          undefined,
      }),
      ...(first !== undefined && { providerDiscount: first.discount }),
    });
    return this.quotas.admit(context.principal, estimate);
  }

  /**
   * Settles the reservation to the request's real usage (tokens as billed: input, cached,
   * cache writes and output, which includes reasoning). A request that failed or was
   * cancelled keeps its estimate when output had reached the client but no usage was
   * reported, and gives everything back when nothing had.
   */
  private chargeQuota(reservation: Reservation, row: UsageRecord): void {
    const tokens = row.tokensInput + row.tokensOutput + row.tokensCached + row.tokensCacheWrite;
    const known = row.responseStatus === 'success' || tokens > 0 || row.costTotal > 0;
    if (known) void this.quotas.settle(reservation, { tokens, cost: row.costTotal });
    else if (row.ttftMs !== null) void this.quotas.settle(reservation, reservation.estimate);
    else void this.quotas.release(reservation);
  }
}
