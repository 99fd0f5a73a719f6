import { calculateCost, type CanonicalChunk, type FinishReason, type ModelPricing, type Usage } from '@plexus/core';
import { GatewayException } from '@plexus/core';
import type { AttemptRecord, UsageRecord } from '@plexus/usage';
import type { RouteTarget, SkippedTarget } from '@plexus/routing';
import type { RequestContext } from './request-context';
import type { ShapingRecord } from '../shaping/shaping-record';

/** Watches one request's chunks and attempts, and turns them into its usage row. */
export class UsageTap {
  private firstChunkAt: number | null = null;
  private usage: Usage | null = null;
  private finishReason: FinishReason | null = null;
  private target: RouteTarget | null = null;
  private readonly attempts: AttemptRecord[] = [];

  constructor(
    private readonly context: RequestContext,
    private readonly alias: string,
    private readonly stream: boolean,
    private readonly passthrough: (target: RouteTarget) => boolean,
    /** Prices for a target that configures none (the model catalog's). */
    private readonly defaultPricing: (target: RouteTarget) => ModelPricing | null = () => null,
  ) {}

  /** Targets routing left out: first in the attempt history, never counted as attempts. */
  skipped(targets: readonly SkippedTarget[]): void {
    for (const target of targets) {
      this.attempts.push({
        index: this.attempts.length,
        provider: target.provider,
        model: target.model,
        apiType: target.apiType,
        status: 'skipped',
        reason: target.reason,
      });
    }
  }

  /** A target failover passed over (e.g. its context window is too small for the prompt). */
  attemptSkipped(target: RouteTarget, reason: string): void {
    this.attempts.push({
      index: this.attempts.length,
      provider: target.provider,
      model: target.model,
      apiType: target.apiType,
      status: 'skipped',
      reason,
    });
  }

  attemptStarted(target: RouteTarget): void {
    this.target = target;
  }

  attemptFailed(target: RouteTarget, error: unknown): void {
    const gateway = error instanceof GatewayException ? error : null;
    this.attempts.push({
      index: this.attempts.length,
      provider: target.provider,
      model: target.model,
      apiType: target.apiType,
      status: 'failed',
      reason: gateway?.message ?? (error as Error).message,
      ...(gateway?.body.upstream?.status !== undefined && { statusCode: gateway.body.upstream.status }),
    });
  }

  observe(chunk: CanonicalChunk, now: number): void {
    this.firstChunkAt ??= now;
    if (chunk.type === 'usage') this.usage = chunk.usage;
    else if (chunk.type === 'finish') this.finishReason = chunk.reason;
    else if (chunk.type === 'message') {
      this.usage = chunk.response.usage ?? this.usage;
      this.finishReason = chunk.response.finishReason;
    }
  }

  row(outcome: {
    status: UsageRecord['responseStatus'];
    httpStatus: number | null;
    error?: unknown;
    now: number;
  }): UsageRecord {
    const { context } = this;
    const target = this.target;
    if (target && outcome.status === 'success') {
      this.attempts.push({
        index: this.attempts.length,
        provider: target.provider,
        model: target.model,
        apiType: target.apiType,
        status: 'success',
      });
    }
    const durationMs = Math.round(outcome.now - context.startedAt);
    const ttftMs = this.firstChunkAt === null ? null : Math.round(this.firstChunkAt - context.startedAt);
    const usage = this.usage;
    const generationSeconds = this.firstChunkAt === null ? 0 : (outcome.now - this.firstChunkAt) / 1000;
    const tokensPerSec =
      usage && this.stream && generationSeconds > 0
        ? Math.round((usage.outputTokens / generationSeconds) * 100) / 100
        : null;
    return {
      requestId: context.requestId,
      clientRequestId: context.clientRequestId,
      startTime: context.startTime,
      apiKey: context.principal.keyName,
      attribution: context.principal.attribution,
      sourceIp: context.sourceIp,
      incomingApiType: context.format,
      outgoingApiType: target?.apiType ?? null,
      incomingModelAlias: this.alias,
      provider: target?.provider ?? null,
      selectedModelName: target?.model ?? null,
      isStreamed: this.stream,
      isPassthrough: target ? this.passthrough(target) && !rewrote(context.shaping) : false,
      responseStatus: outcome.status,
      httpStatus: outcome.httpStatus,
      tokensInput: usage?.inputTokens ?? 0,
      tokensOutput: usage?.outputTokens ?? 0,
      tokensReasoning: usage?.reasoningTokens ?? 0,
      tokensCached: usage?.cacheReadTokens ?? 0,
      tokensCacheWrite: usage?.cacheWriteTokens ?? 0,
      providerReportedCost: usage?.reportedCostUsd ?? null,
      ...costColumns(usage, target, this.defaultPricing),
      durationMs,
      ttftMs,
      tokensPerSec,
      attemptCount: this.attempts.filter((attempt) => attempt.status !== 'skipped').length,
      retryHistory: this.attempts,
      finishReason: this.finishReason,
      errorMessage: outcome.error === undefined ? null : (outcome.error as Error).message,
      clientDisconnected: outcome.status === 'cancelled',
      ...shapingColumns(context.shaping ?? {}, context.parentRequestId),
    };
  }
}

/** Whether shaping replaced the request (then it was encoded, never relayed as the client's bytes). */
function rewrote(shaping: ShapingRecord | undefined): boolean {
  return shaping?.compaction !== undefined || (shaping?.visionFallthrough?.described ?? 0) > 0;
}

/** The usage columns of vision fallthrough, descriptor calls and compaction. */
function shapingColumns(
  shaping: ShapingRecord,
  parentRequestId: string | undefined,
): Pick<
  UsageRecord,
  | 'isVisionFallthrough'
  | 'visionFallthroughModel'
  | 'visionFallthroughError'
  | 'isDescriptorRequest'
  | 'parentRequestId'
  | 'compactionTokensBefore'
  | 'compactionTokensAfter'
> {
  const vision = shaping.visionFallthrough;
  return {
    isVisionFallthrough: vision !== undefined,
    visionFallthroughModel: vision?.descriptorModel ?? null,
    visionFallthroughError: vision?.error ?? null,
    isDescriptorRequest: parentRequestId !== undefined,
    parentRequestId: parentRequestId ?? null,
    compactionTokensBefore: shaping.compaction?.tokensBefore ?? null,
    compactionTokensAfter: shaping.compaction?.tokensAfter ?? null,
  };
}

/**
 * The request's cost, priced on the target that answered (its configured pricing, else
 * the catalog's, recorded as the `catalog` source); failed attempts are billed to nobody.
 */
function costColumns(
  usage: Usage | null,
  target: RouteTarget | null,
  defaultPricing: (target: RouteTarget) => ModelPricing | null,
): Pick<UsageRecord, 'costInput' | 'costOutput' | 'costCached' | 'costCacheWrite' | 'costTotal' | 'costSource'> {
  if (!usage || !target)
    return { costInput: 0, costOutput: 0, costCached: 0, costCacheWrite: 0, costTotal: 0, costSource: null };
  const configured = target.modelConfig['pricing'] as ModelPricing | undefined;
  const fallback = configured ? null : defaultPricing(target);
  const cost = calculateCost({
    tokens: {
      input: usage.inputTokens,
      output: usage.outputTokens,
      cached: usage.cacheReadTokens,
      cacheWrite: usage.cacheWriteTokens,
    },
    pricing: configured ?? fallback ?? undefined,
    providerDiscount: target.discount,
    ...(usage.reportedCostUsd !== undefined && { reportedCostUsd: usage.reportedCostUsd }),
  });
  return {
    costInput: cost.input,
    costOutput: cost.output,
    costCached: cost.cached,
    costCacheWrite: cost.cacheWrite,
    costTotal: cost.total,
    costSource: fallback && cost.source !== 'provider_reported' ? 'catalog' : cost.source,
  };
}
