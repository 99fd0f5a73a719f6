import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { CanonicalRequest } from '@plexus/core';
import {
  BackgroundExplorer,
  CooldownService,
  PerformanceStats,
  RoutingConfigService,
  RoutingSettings,
  type ExplorationTarget,
} from '@plexus/routing';
import { randomUUID } from 'node:crypto';
import { lastValueFrom, ignoreElements } from 'rxjs';
import { ExecutionService } from '../pipeline/execution.service';
import type { RequestContext } from '../pipeline/request-context';
import { UpstreamTiming } from '../pipeline/upstream-timing';

/** How often the settings are looked at (cheap: a disabled explorer does nothing). */
const POLL_MS = 1000;
/** Bounds of the pause between two looks for stale targets (a quarter of the staleness threshold in between). */
const MIN_SCAN_MS = 1000;
const MAX_SCAN_MS = 30_000;
/** Enough output to measure time to first token and throughput, cheap enough to send often. */
const PROBE_MAX_OUTPUT_TOKENS = 64;
const PROBE_PROMPT = 'Count from 1 to 20, separated by spaces.';

/**
 * Runs the background explorer on a timer, off the request path: probes go through the
 * normal pipeline as streamed `direct/<provider>/<model>` requests of the `probe` key
 * (attribution `background`), so they are recorded like any request and their outcome
 * feeds the performance stats (and the cooldowns, when the target fails).
 */
@Injectable()
export class BackgroundExplorationService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(BackgroundExplorationService.name);
  private readonly explorer: BackgroundExplorer;
  private timer: NodeJS.Timeout | null = null;
  private lastScanAt = 0;

  constructor(
    private readonly execution: ExecutionService,
    private readonly settings: RoutingSettings,
    config: RoutingConfigService,
    stats: PerformanceStats,
    cooldowns: CooldownService,
  ) {
    this.explorer = new BackgroundExplorer({
      config,
      stats,
      cooldowns,
      settings,
      probe: (target) => this.probe(target),
    });
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.poll(), POLL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private poll(): void {
    const settings = this.settings.current.backgroundExploration;
    if (!settings.enabled) return;
    const now = Date.now();
    const scanEveryMs = Math.min(
      MAX_SCAN_MS,
      Math.max(MIN_SCAN_MS, Math.floor((settings.stalenessThresholdSeconds * 1000) / 4)),
    );
    if (now - this.lastScanAt < scanEveryMs) return;
    this.lastScanAt = now;
    try {
      const started = this.explorer.tick();
      if (started.length > 0) this.logger.debug(`probing ${started.map((t) => `${t.provider}/${t.model}`).join(', ')}`);
    } catch (error) {
      this.logger.warn(`background exploration failed: ${(error as Error).message}`);
    }
  }

  private async probe(target: ExplorationTarget): Promise<void> {
    const request: CanonicalRequest = {
      model: `direct/${target.provider}/${target.model}`,
      instructions: [],
      messages: [{ role: 'user', content: [{ type: 'text', text: PROBE_PROMPT }] }],
      tools: [],
      sampling: { maxOutputTokens: PROBE_MAX_OUTPUT_TOKENS },
      stream: true,
      streamUsage: true,
      extensions: {},
    };
    const context: RequestContext = {
      requestId: randomUUID(),
      clientRequestId: null,
      sourceIp: null,
      principal: { keyName: 'probe', attribution: 'background', policy: {} },
      format: 'chat',
      startTime: new Date(),
      startedAt: performance.now(),
      upstream: new UpstreamTiming(),
    };
    const { chunks$ } = this.execution.execute({ context, request, rawBody: {}, allowPassthrough: false });
    await lastValueFrom(chunks$.pipe(ignoreElements()), { defaultValue: undefined });
  }
}
