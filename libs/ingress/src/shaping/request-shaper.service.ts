import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { CanonicalRequest } from '@plexus/core';
import { RoutingConfigService, RoutingSettings, type CompactionSettings, type RouteTarget } from '@plexus/routing';
import { ModelCatalog } from '@plexus/usage';
import { configuredContextWindow } from '../pipeline/context-window';
import type { AttemptDraft, AttemptStep } from '../pipeline/attempt-step';
import { ExecutionService } from '../pipeline/execution.service';
import type { RequestContext } from '../pipeline/request-context';
import { compactRequest, compactionThreshold, layeredCompaction } from './compaction';
import { ContextWindowExceededError, countInputTokens, reservedOutputTokens } from './context-limits';
import { acceptsImages, hasImages } from './image-capability';
import type { ShapedRequest, ShapingRecord } from './shaping-record';
import { VisionFallthroughService, type DescriptorDispatch } from './vision-fallthrough.service';

export interface ShapeParams {
  request: CanonicalRequest;
  target: RouteTarget;
  context: RequestContext;
  /** The alias the request named (null for direct routing): whose settings apply. */
  alias: string | null;
  /** How descriptor calls reach the pipeline. */
  dispatch: DescriptorDispatch;
}

/** What is to be done for one attempt; all false leaves the request as the client sent it. */
interface ShapingPlan {
  describeImages: boolean;
  compaction: CompactionSettings | null;
  enforceLimits: boolean;
}

function positive(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null;
}

/**
 * Per-attempt request shaping, for the target the attempt goes to: vision fallthrough
 * (images described for a target that cannot see them), compaction (a request over its
 * trigger shrunk), then the context check (`enforce_limits`: a request that would not fit
 * fails the attempt with ContextWindowExceededError, which failover passes over). Nothing
 * configured: answers synchronously with the request untouched.
 */
@Injectable()
export class RequestShaper implements AttemptStep {
  readonly name = 'request-shaping';

  constructor(
    private readonly config: RoutingConfigService,
    private readonly settings: RoutingSettings,
    private readonly catalog: ModelCatalog,
    private readonly vision: VisionFallthroughService,
    private readonly modules: ModuleRef,
  ) {}

  /** Image descriptor calls go through the whole pipeline, as requests of their own (resolved late: the pipeline runs this step). */
  private readonly dispatch: DescriptorDispatch = (request, context) =>
    this.modules
      .get(ExecutionService, { strict: false })
      .execute({ context, request, rawBody: {}, allowPassthrough: false }).chunks$;

  /** The attempt step: shapes a conversation's request for the attempt's target, and notes what it did for the usage row. */
  async prepare(draft: AttemptDraft): Promise<void> {
    if (draft.kind !== 'chat') return;
    const { context } = draft;
    const shaped = await this.shape({
      request: draft.request,
      target: draft.target,
      context,
      // The name the client sent: an alias (or one of its additional names), or direct/...
      alias: draft.request.model,
      dispatch: this.dispatch,
    });
    context.shaping = shaped.record;
    if (shaped.rewritten) draft.request = shaped.request;
  }

  shape(params: ShapeParams): ShapedRequest | Promise<ShapedRequest> {
    const plan = this.plan(params);
    if (!plan.describeImages && plan.compaction === null && !plan.enforceLimits)
      return { request: params.request, rewritten: false, record: {} };
    return this.apply(params, plan);
  }

  /** Does whatever an image-capable alias of `alias` advertises: its fallthrough makes any target take images. */
  advertisesImages(alias: string): boolean {
    return this.config.alias(alias)?.settings['use_image_fallthrough'] === true && this.vision.descriptorModel !== null;
  }

  private plan({ request, target, context, alias }: ShapeParams): ShapingPlan {
    const aliasSettings = (alias !== null ? this.config.alias(alias)?.settings : undefined) ?? {};
    const describeImages =
      aliasSettings['use_image_fallthrough'] === true &&
      context.parentRequestId === undefined &&
      this.vision.descriptorModel !== null &&
      hasImages(request) &&
      !acceptsImages(target, this.catalog);
    const compaction = layeredCompaction(
      this.settings.current.compaction,
      this.config.provider(target.provider)?.settings['compaction'],
      aliasSettings['compaction'],
    );
    return {
      describeImages,
      compaction: compaction.enabled && compaction.strategy === 'native' ? compaction : null,
      enforceLimits: aliasSettings['enforce_limits'] === true,
    };
  }

  private async apply(params: ShapeParams, plan: ShapingPlan): Promise<ShapedRequest> {
    const { target } = params;
    let request = params.request;
    let rewritten = false;
    const record: ShapingRecord = {};
    if (plan.describeImages) {
      const described = await this.vision.describeImages({
        request,
        context: params.context,
        dispatch: params.dispatch,
      });
      record.visionFallthrough = described.record;
      if (described.record.described > 0) {
        request = described.request;
        rewritten = true;
      }
    }
    const window = configuredContextWindow(target) ?? this.catalog.contextWindow(target.model, target.provider);
    let tokens: number | null = null;
    const threshold = plan.compaction && compactionThreshold(plan.compaction, window);
    if (plan.compaction && threshold !== null) {
      tokens = await countInputTokens(request, target);
      if (tokens > threshold && tokens >= plan.compaction.minTokens) {
        const compacted = compactRequest(request, plan.compaction);
        const after = await countInputTokens(compacted, target);
        if (after < tokens) {
          record.compaction = { tokensBefore: tokens, tokensAfter: after };
          request = compacted;
          rewritten = true;
          tokens = after;
        }
      }
    }
    if (plan.enforceLimits && window !== null) {
      const inputTokens = tokens ?? (await countInputTokens(request, target));
      const outputLimit =
        positive(target.modelConfig['max_output_tokens']) ??
        this.catalog.lookup(target.model, target.provider)?.maxOutputTokens ??
        null;
      const reservedOutput = reservedOutputTokens(request, outputLimit);
      if (inputTokens + reservedOutput > window)
        throw new ContextWindowExceededError({ target, inputTokens, reservedOutput, window });
    }
    return { request, rewritten, record };
  }
}
