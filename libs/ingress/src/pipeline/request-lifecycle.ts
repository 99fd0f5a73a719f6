import { OAuthCredentialStep } from '@plexus/oauth';
import { Inject, Injectable } from '@nestjs/common';
import {
  ErrorCode,
  GatewayException,
  type CanonicalChunk,
  type CanonicalRequest,
  type ModelPricing,
} from '@plexus/core';
import type { UpstreamObserver, UpstreamTarget } from '@plexus/providers';
import { QuotaService, estimateUsage, type Reservation, type UsageEstimate } from '@plexus/quota';
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
import { Observable, from, switchMap, type Subscription } from 'rxjs';
import { ContextWindowExceededError } from '../shaping/context-limits';
import { ATTEMPT_STEPS, runAttemptSteps, type AttemptDraft, type AttemptStep, type RequestKind } from './attempt-step';
import { ContextWindowGuard, configuredContextWindow } from './context-window';
import { attemptLimit, cooldownFailure, withFailover } from './failover';
import { observedError, observedRequest } from './observation';
import type { RequestContext } from './request-context';
import { resolveStallPolicy } from './stall-policy';
import { UsageTap } from './usage-tap';

/** One attempt, ready to send: the draft as the attempt steps left it, and what the lifecycle adds. */
export interface PreparedAttempt extends AttemptDraft {
  /** Send the client's own bytes (same format in and out, and no step replaced the request). */
  passthrough: boolean;
  /** The adapter's capture hook when the request is traced. */
  capture: UpstreamObserver | undefined;
  /** An empty answer is an error (another target could still be tried). */
  failOnEmpty: boolean;
}

/**
 * What differs between chat, media and raw requests: how an attempt is sent and what its
 * chunks mean to the accounting. Everything else is the lifecycle's.
 */
export interface BodyStrategy<T> {
  kind: RequestKind;
  /** Whether a target can be sent the client's own body (same wire format). */
  isPassthrough(target: RouteTarget): boolean;
  /** Sends one attempt: cold, each subscription one upstream call, unsubscribing aborts it. */
  send(attempt: PreparedAttempt): Observable<T>;
  /** What a chunk carries for the usage tap and the observers. */
  accounting(chunk: T): CanonicalChunk;
  /** The quota admission's estimate; default: from the canonical request, priced on the first target. */
  estimate?: UsageEstimate;
  /** False when the upstream's answers say nothing about routing health (raw): no cooldowns, no performance stats. */
  recordsHealth?: boolean;
  /** False to price only with configured pricing, never the catalog's defaults. */
  catalogPricing?: boolean;
  /** Has the last word on the usage row (raw: the upstream's status, no cost). */
  finalizeRow?(row: UsageRecord): UsageRecord;
}

export interface LifecycleParams<T> {
  context: RequestContext;
  /** The canonical request (a stand-in for media and raw: model, and input text for the estimate). */
  request: CanonicalRequest;
  /** The client's body as a debug trace shows it. */
  rawBody: unknown;
  plan: RoutePlan;
  strategy: BodyStrategy<T>;
}

/**
 * The one request lifecycle: admit (quota) -> plan (attempts) -> run attempts with
 * failover, each prepared by the ATTEMPT_STEPS -> relay (the subscriber: a reply writer)
 * -> account (usage row, quota settle, metrics, health, observers) -> finish. The key
 * and its policy are admitted before (the guard, or raw's own check), the body strategy
 * says how an attempt is sent. See libs/ingress/README.md.
 */
@Injectable()
export class RequestLifecycle {
  constructor(
    private readonly router: RouterService,
    private readonly usage: UsageRecorder,
    private readonly settings: RoutingSettings,
    private readonly cooldowns: CooldownService,
    private readonly performance: PerformanceStats,
    private readonly quotas: QuotaService,
    private readonly observation: RequestObservation,
    private readonly catalog: ModelCatalog,
    @Inject(ATTEMPT_STEPS) private readonly steps: AttemptStep[],
    private readonly oauthCredentials: OAuthCredentialStep,
  ) {}

  /** The route plan; when every target was left out, the refusal is recorded with the skipped targets first. */
  plan(context: RequestContext, request: CanonicalRequest): RoutePlan {
    const incoming = context.format;
    if (incoming === 'raw') throw new GatewayException(ErrorCode.INTERNAL, { message: 'raw requests are not routed' });
    try {
      return this.router.route({ model: request.model, incoming, policy: context.principal.policy });
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

  /** Cold: subscribing admits and sends the request; unsubscribing aborts it and records a cancellation. */
  run<T>(params: LifecycleParams<T>): Observable<T> {
    const { context, request, rawBody, plan, strategy } = params;
    const { targets } = plan;
    const alias = plan.alias ?? request.model;
    const recordsHealth = strategy.recordsHealth ?? true;
    const tap = new UsageTap(
      context,
      alias,
      request.stream,
      (target) => strategy.isPassthrough(target),
      strategy.catalogPricing === false
        ? undefined
        : (target) => this.catalog.defaultPricing(target.model, target.provider),
    );
    const contextWindows = new ContextWindowGuard(
      (target) => configuredContextWindow(target) ?? this.catalog.contextWindow(target.model, target.provider),
    );
    tap.skipped(plan.skipped);
    const limit = attemptLimit(targets.length, this.settings.current.failover);
    const observer = this.observation.begin(() => observedRequest({ context, request, rawBody, alias, targets }));
    context.responseCapture = observer.responseCapture;
    const timing = context.upstream;

    const attempt = (index: number): Observable<T> => {
      const target = targets[index];
      const capture = observer.attemptStarted(target);
      const draft: AttemptDraft = {
        kind: strategy.kind,
        context,
        target,
        index,
        request,
        upstream: this.upstreamOf(target),
      };
      const prepared = (shaped: AttemptDraft): PreparedAttempt => ({
        ...shaped,
        passthrough: shaped.request === request && strategy.isPassthrough(target),
        capture,
        // An empty answer is the answer on the last target that may be tried; before it, the next one is.
        failOnEmpty: targets.slice(index + 1, limit).some((next) => contextWindows.skipReason(next) === null),
      });
      // The OAuth credential step sits around the send rather than in ATTEMPT_STEPS: it must see
      // the upstream's 401 to refresh the account's token and send the attempt once more.
      const send = (shaped: AttemptDraft): Observable<T> =>
        this.oauthCredentials.attempt(target.oauth, shaped.upstream, (credentialed) =>
          strategy.send(prepared({ ...shaped, upstream: credentialed })),
        );
      timing.attemptStarted();
      if (this.steps.length === 0) return send(draft);
      return from(runAttemptSteps(this.steps, draft)).pipe(switchMap(send));
    };

    return new Observable<T>((subscriber) => {
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
        timing.attemptEnded();
        const tapped = tap.row({ status, httpStatus, error, now: performance.now() });
        const row = strategy.finalizeRow ? strategy.finalizeRow(tapped) : tapped;
        this.usage.record(row);
        observer.finished(row, error === undefined ? null : observedError(error));
        if (reservation) this.chargeQuota(reservation, row);
        if (recordsHealth && status === 'success' && row.provider !== null && row.selectedModelName !== null) {
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
              timing.attemptEnded();
              const failed = targets[index];
              if (error instanceof ContextWindowExceededError) {
                tap.attemptSkipped(failed, error.skipReason);
                return;
              }
              tap.attemptFailed(failed, error);
              contextWindows.attemptFailed(failed, error);
              observer.attemptFailed(failed, observedError(error));
              if (!recordsHealth) return;
              this.performance.record({
                provider: failed.provider,
                model: failed.model,
                ttftMs: null,
                durationMs: 0,
                outputTokens: 0,
                success: false,
              });
              // Marked once, here, with the upstream's Retry-After when it sent one.
              const failure = cooldownFailure(failed, error, afterFirstByte);
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
            const now = performance.now();
            timing.firstChunk(now);
            const accounted = strategy.accounting(chunk);
            tap.observe(accounted, now);
            observer.chunk(accounted);
            subscriber.next(chunk);
          },
          error: (error: unknown) => {
            const gateway = GatewayException.from(error);
            finish(gateway.code === ErrorCode.UPSTREAM_TIMEOUT ? 'timeout' : 'error', gateway.status, gateway);
            subscriber.error(gateway);
          },
          complete: () => {
            if (recordsHealth) this.cooldowns.recordSuccess(targets[current].provider, targets[current].model);
            finish('success', 200);
            subscriber.complete();
          },
        });
      };
      // Quota admission before anything is dispatched: a refusal fails the request before
      // its first byte, so the format's error renderer answers 429.
      const admission = this.quotas.applies(context.principal)
        ? this.quotas.admit(context.principal, strategy.estimate ?? this.estimate(request, targets[0]))
        : null;
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
  }

  private upstreamOf(target: RouteTarget): UpstreamTarget {
    return {
      provider: target.provider,
      model: target.model,
      baseUrl: target.baseUrl,
      apiKey: target.apiKey,
      headers: target.headers,
      extraBody: target.extraBody,
      timeoutMs: target.timeoutMs ?? this.settings.current.timeout.defaultSeconds * 1000,
      stall: resolveStallPolicy(this.settings.current.stall, target.stall),
      ...(target.claudeMasking && { claudeMasking: true }),
    };
  }

  /** The request's estimate: max output tokens + a cheap input count, priced on the first target. */
  private estimate(request: CanonicalRequest, first: RouteTarget | undefined): UsageEstimate {
    const maxOutputTokens = request.sampling.maxOutputTokens;
    return estimateUsage({
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
