import type { CooldownService } from '../cooldown/cooldown.service';
import type { PerformanceStats } from '../performance/performance-stats.service';
import type { RoutingConfigService } from '../routing-config.service';
import type { RoutingSettings } from '../routing-settings';

/** The selectors that route by measured stats, whose targets are worth keeping fresh. */
export const STATS_SELECTORS: ReadonlySet<string> = new Set(['latency', 'performance', 'e2e_performance']);

export interface ExplorationTarget {
  provider: string;
  model: string;
}

export interface BackgroundExplorerDeps {
  config: Pick<RoutingConfigService, 'allAliases' | 'provider'>;
  stats: Pick<PerformanceStats, 'stats'>;
  cooldowns: Pick<CooldownService, 'isCoolingDown'>;
  settings: Pick<RoutingSettings, 'current'>;
  /** Sends one probe request to the target; its outcome feeds the performance stats. */
  probe: (target: ExplorationTarget) => Promise<void>;
  now?: () => number;
}

function keyOf(target: ExplorationTarget): string {
  return `${target.provider}\u0000${target.model}`;
}

/**
 * Keeps the stats of stats-driven groups fresh off the request path: on each `tick`, the
 * targets of latency / performance / e2e_performance groups whose newest sample (or
 * probe) is older than `stalenessThresholdSeconds` are probed, stalest first, with at most
 * `workerConcurrency` probes in flight. Disabled targets and providers, targets cooling
 * down and targets already being probed are left alone. Nothing counts as probed before
 * the process started, so a fresh process waits one threshold before its first probes.
 */
export class BackgroundExplorer {
  private readonly lastProbedAt = new Map<string, number>();
  private readonly inFlight = new Set<string>();
  private readonly startedAt: number;
  private readonly now: () => number;

  constructor(private readonly deps: BackgroundExplorerDeps) {
    this.now = deps.now ?? Date.now;
    this.startedAt = this.now();
  }

  get probesInFlight(): number {
    return this.inFlight.size;
  }

  /** Starts the probes that are due; returns the targets it started. */
  tick(): ExplorationTarget[] {
    const settings = this.deps.settings.current.backgroundExploration;
    if (!settings.enabled) return [];
    const free = Math.max(0, Math.floor(settings.workerConcurrency) - this.inFlight.size);
    if (free === 0) return [];
    const now = this.now();
    const due = this.staleTargets(now, settings.stalenessThresholdSeconds * 1000).slice(0, free);
    for (const target of due) this.start(target, now);
    return due;
  }

  /** Stale, probe-able targets, stalest first. */
  staleTargets(now: number, thresholdMs: number): ExplorationTarget[] {
    const seen = new Set<string>();
    const stale: Array<ExplorationTarget & { freshAt: number }> = [];
    for (const alias of this.deps.config.allAliases()) {
      // The probe is a chat request: media aliases (embeddings, speech...) can't answer it.
      if (alias.aliasType !== 'text') continue;
      for (const group of alias.targetGroups) {
        if (!STATS_SELECTORS.has(group.selector)) continue;
        for (const target of group.targets) {
          const key = keyOf(target);
          if (seen.has(key)) continue;
          seen.add(key);
          if (target.enabled === false || this.inFlight.has(key)) continue;
          if (!this.deps.config.provider(target.provider)?.enabled) continue;
          if (this.deps.cooldowns.isCoolingDown(target.provider, target.model, now)) continue;
          const freshAt = Math.max(
            this.lastProbedAt.get(key) ?? this.startedAt,
            this.deps.stats.stats(target.provider, target.model).lastUpdated ?? 0,
          );
          if (now - freshAt >= thresholdMs) stale.push({ provider: target.provider, model: target.model, freshAt });
        }
      }
    }
    return stale.sort((a, b) => a.freshAt - b.freshAt).map(({ provider, model }) => ({ provider, model }));
  }

  private start(target: ExplorationTarget, now: number): void {
    const key = keyOf(target);
    this.inFlight.add(key);
    this.lastProbedAt.set(key, now);
    // A failed probe is already recorded (usage row, stats, cooldown) by the pipeline.
    void this.deps
      .probe(target)
      .catch(() => undefined)
      .finally(() => {
        this.inFlight.delete(key);
        this.lastProbedAt.set(key, this.now());
      });
  }
}
