import { Injectable } from '@nestjs/common';

/** Selector exploration: how often a stats-driven selector tries a target it knows less. */
export interface ExplorationSettings {
  performanceExplorationRate: number;
  latencyExplorationRate?: number;
  e2ePerformanceExplorationRate?: number;
}

export interface CooldownSettings {
  initialMinutes: number;
  maxMinutes: number;
}

export interface FailoverSettings {
  enabled: boolean;
  retryableStatusCodes: number[];
  /** Substrings of transport error codes or messages that allow a retry on the next target. */
  retryableErrors: string[];
  /** Attempts per request, all targets together. */
  maxAttempts: number;
}

export interface TimeoutSettings {
  defaultSeconds: number;
}

/**
 * Stream stall detection, enforced on streamed upstream answers (providers override each
 * field with `stallTtfbMs`, `stallTtfbBytes`, `stallMinBps`, `stallWindowMs`, `stallGracePeriodMs`).
 */
export interface StallSettings {
  /** Seconds (from the request) to receive the first `ttfbBytes`; null disables the TTFB check. */
  ttfbSeconds: number | null;
  ttfbBytes: number;
  /** Minimum throughput over `windowSeconds`, after the grace period; null disables the throughput check. */
  minBytesPerSecond: number | null;
  windowSeconds: number;
  /** Seconds after the TTFB check passed before throughput is enforced. */
  gracePeriodSeconds: number;
  /** Stalls cool the target down (as a provider's `stall_cooldown` does for that provider). */
  stallCooldown: boolean;
}

/**
 * Background probing of the targets of stats-driven groups (latency, performance,
 * e2e_performance) whose stats went stale. While it is on, those selectors don't explore
 * on the request path.
 */
export interface BackgroundExplorationSettings {
  enabled: boolean;
  stalenessThresholdSeconds: number;
  workerConcurrency: number;
}

/** Vision fallthrough: the model that describes images for aliases whose target cannot see them. */
export interface VisionFallthroughSettings {
  /** An alias or `direct/<provider>/<model>`; null switches fallthrough off. */
  descriptor_model: string | null;
  default_prompt: string;
}

/** Native compaction's limits on what a long request keeps. */
export interface NativeCompactionSettings {
  maxArrayItems: number;
  maxStringChars: number;
}

/**
 * Context compaction (layered alias > provider > global), by the `native` strategy only:
 * the reference's `headroom` strategy (an external service) is refused, not stored.
 */
export interface CompactionSettings {
  enabled: boolean;
  strategy: 'native';
  triggerRatio: number;
  absoluteTriggerTokens: number | null;
  minTokens: number;
  protectRecent: number;
  native: NativeCompactionSettings;
}

export interface RoutingSettingsValues {
  exploration: ExplorationSettings;
  cooldown: CooldownSettings;
  failover: FailoverSettings;
  timeout: TimeoutSettings;
  stall: StallSettings;
  backgroundExploration: BackgroundExplorationSettings;
  visionFallthrough: VisionFallthroughSettings;
  compaction: CompactionSettings;
}

export const DEFAULT_ROUTING_SETTINGS: RoutingSettingsValues = {
  exploration: { performanceExplorationRate: 0.05 },
  cooldown: { initialMinutes: 2, maxMinutes: 300 },
  failover: {
    enabled: true,
    retryableStatusCodes: [402, 408, 409, 425, 429, 500, 502, 503, 504, 529],
    retryableErrors: ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'UND_ERR_SOCKET'],
    maxAttempts: 10,
  },
  timeout: { defaultSeconds: 300 },
  stall: {
    ttfbSeconds: null,
    ttfbBytes: 100,
    minBytesPerSecond: null,
    windowSeconds: 10,
    gracePeriodSeconds: 30,
    stallCooldown: false,
  },
  backgroundExploration: { enabled: false, stalenessThresholdSeconds: 600, workerConcurrency: 2 },
  visionFallthrough: {
    descriptor_model: null,
    default_prompt: 'Describe this image in detail for someone who cannot see it. Transcribe any text in it exactly.',
  },
  compaction: {
    enabled: false,
    strategy: 'native',
    triggerRatio: 0.8,
    absoluteTriggerTokens: null,
    minTokens: 2000,
    protectRecent: 4,
    native: { maxArrayItems: 50, maxStringChars: 4000 },
  },
};

/**
 * The routing settings in force, read on the hot path without I/O. Whoever persists
 * them (the management settings endpoints) replaces sections with `update`.
 */
@Injectable()
export class RoutingSettings {
  private values: RoutingSettingsValues = structuredClone(DEFAULT_ROUTING_SETTINGS);

  get current(): Readonly<RoutingSettingsValues> {
    return this.values;
  }

  update(patch: Partial<RoutingSettingsValues>): void {
    this.values = { ...this.values, ...structuredClone(patch) };
  }
}
