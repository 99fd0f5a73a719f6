import type { OAuthTargetAccount } from './oauth-target';
import type { IncomingApiType } from '@plexus/core';

/** One concrete provider model a request may be sent to, with what it takes to reach it. */
export interface RouteTarget {
  provider: string;
  model: string;
  /** The upstream API type chosen for this request (a media endpoint's own type for those). */
  apiType: IncomingApiType;
  baseUrl: string;
  apiKey: string | null;
  headers: Record<string, string>;
  extraBody: Record<string, unknown>;
  timeoutMs: number | null;
  /** The alias target group it came from (`direct` for direct routing). */
  group: string;
  /** The provider's settings for this model (pricing, access_via, extraBody...). */
  modelConfig: Record<string, unknown>;
  /** The provider's negotiated discount (0..1) on computed costs. */
  discount: number;
  /** The provider's stall-detection overrides of the global stall settings. */
  stall: StallOverrides;
  /** Set for `oauth://` providers: the subscription account whose access token the attempt sends. */
  oauth?: OAuthTargetAccount;
  /** Claude Code's request shape for an API-key provider (`useClaudeMasking`). */
  claudeMasking?: boolean;
}

/**
 * Per-provider stall thresholds (`stallTtfbMs`, `stallTtfbBytes`, `stallMinBps`,
 * `stallWindowMs`, `stallGracePeriodMs`): absent inherits the global setting, null
 * disables that dimension.
 */
export interface StallOverrides {
  ttfbMs?: number | null;
  ttfbBytes?: number;
  minBytesPerSecond?: number | null;
  windowMs?: number;
  gracePeriodMs?: number;
}

/** Why a target was left out before any attempt. */
export type SkipReason = 'cooldown' | 'quota_exhausted' | 'disabled' | 'excluded_by_key';

/** A target the router left out; recorded in the attempt history, billed to nobody. */
export interface SkippedTarget {
  provider: string;
  model: string;
  apiType: IncomingApiType;
  reason: SkipReason;
}

export interface RoutePlan {
  /** The alias the request named, or null for `direct/...`. */
  alias: string | null;
  /** Targets in the order they are to be tried. */
  targets: RouteTarget[];
  /** Targets left out (cooling down, disabled, excluded by the key), in declared order. */
  skipped: SkippedTarget[];
}
