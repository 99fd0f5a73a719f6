import type { TargetPerformance, PerformanceStats } from '../performance/performance-stats.service';
import type { RouteTarget } from '../route-target';
import type { RoutingSettingsValues } from '../routing-settings';

export interface PerformanceRankingParams {
  targets: readonly RouteTarget[];
  stats: PerformanceStats;
  /** The figure ranked on; null when the target has no data for it. */
  metric: (stats: TargetPerformance) => number | null;
  better: 'lower' | 'higher';
  /** Probability (0..1) of putting an exploration target first. */
  explorationRate: number;
}

interface Entry {
  target: RouteTarget;
  stats: TargetPerformance;
  value: number | null;
}

/**
 * The shared order of the stats-driven selectors (latency, performance, e2e_performance):
 * targets with data best first (ties keep the declared order), then those without data in
 * declared order, since unknown is not fast. With probability `explorationRate` one target
 * is moved to the front to refresh what we know: a random never-sampled one if any, else the
 * least recently updated (which may be the best one already).
 */
export function rankByPerformance(params: PerformanceRankingParams): RouteTarget[] {
  const { targets, stats, metric, better } = params;
  if (targets.length <= 1) return [...targets];
  const entries: Entry[] = targets.map((target) => {
    const targetStats = stats.stats(target.provider, target.model);
    const value = metric(targetStats);
    return { target, stats: targetStats, value: value !== null && Number.isFinite(value) ? value : null };
  });
  const sign = better === 'lower' ? 1 : -1;
  const known = entries.filter((entry) => entry.value !== null);
  known.sort((a, b) => sign * ((a.value as number) - (b.value as number)));
  const ranked = [...known, ...entries.filter((entry) => entry.value === null)];

  const rate = clampRate(params.explorationRate);
  if (rate > 0 && Math.random() < rate) {
    const pick = explorationPick(entries);
    return [pick.target, ...ranked.filter((entry) => entry !== pick).map((entry) => entry.target)];
  }
  return ranked.map((entry) => entry.target);
}

function explorationPick(entries: readonly Entry[]): Entry {
  const unsampled = entries.filter((entry) => entry.stats.samples === 0);
  if (unsampled.length > 0)
    return unsampled[Math.min(unsampled.length - 1, Math.floor(Math.random() * unsampled.length))];
  let oldest = entries[0];
  for (const entry of entries) {
    if ((entry.stats.lastUpdated ?? 0) < (oldest.stats.lastUpdated ?? 0)) oldest = entry;
  }
  return oldest;
}

/** The exploration rate on the request path: none while background exploration refreshes the stats instead. */
export function liveExplorationRate(settings: Readonly<RoutingSettingsValues>, rate: number): number {
  return settings.backgroundExploration.enabled ? 0 : rate;
}

function clampRate(rate: number): number {
  return Number.isFinite(rate) ? Math.min(1, Math.max(0, rate)) : 0;
}
