import type { CanonicalRequest } from '@plexus/core';
import type { UpstreamTarget } from '@plexus/providers';
import type { RouteTarget } from '@plexus/routing';
import type { RequestContext } from './request-context';

/** The body strategies of the lifecycle: what a step may expect of `attempt.request`. */
export type RequestKind = 'chat' | 'media' | 'raw';

/**
 * One upstream attempt as the steps see it, before it is sent. A step may replace
 * `request` (the canonical request this target receives) or change `upstream` (URL,
 * credentials, headers, extra body fields). Replacing `request` turns the same-format
 * byte relay off for this attempt: the target then gets the request encoded from it.
 */
export interface AttemptDraft {
  readonly kind: RequestKind;
  readonly context: RequestContext;
  /** The routed target; read-only (its health, pricing and window are judged on it). */
  readonly target: RouteTarget;
  /** Zero-based position of this attempt in the failover sequence. */
  readonly index: number;
  request: CanonicalRequest;
  upstream: UpstreamTarget;
}

/**
 * A per-attempt step of the request lifecycle: a credential step (an OAuth access token
 * for `oauth://` providers in `upstream.apiKey` or `upstream.headers`) or a shaping step
 * (vision fallthrough, compaction, request adapters rewriting `request`). Steps run in
 * the order of the ATTEMPT_STEPS array, before every attempt, after routing and quota
 * admission. A step that throws a GatewayException fails that attempt like an upstream
 * error would (failover applies); anything else fails it as an internal error.
 */
export interface AttemptStep {
  /** Names the step in logs. */
  readonly name: string;
  prepare(attempt: AttemptDraft): void | Promise<void>;
}

/**
 * DI token of the ordered AttemptStep array. IngressModule provides it; a feature adds
 * its step class to that provider's `inject` list (in the order it must run).
 */
export const ATTEMPT_STEPS = Symbol('ATTEMPT_STEPS');

/** Runs the steps in order; resolves to the draft as they left it. */
export async function runAttemptSteps(steps: readonly AttemptStep[], draft: AttemptDraft): Promise<AttemptDraft> {
  for (const step of steps) await step.prepare(draft);
  return draft;
}
