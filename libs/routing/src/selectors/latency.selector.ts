import { Injectable } from '@nestjs/common';
import { PerformanceStats } from '../performance/performance-stats.service';
import type { RouteTarget } from '../route-target';
import { RoutingSettings } from '../routing-settings';
import { liveExplorationRate, rankByPerformance } from './performance-ranking';
import type { TargetSelector } from './target-selector';

/**
 * Lowest mean time to first token first. Targets without TTFT data (never tried, or only
 * failures before the first token) come after those with data: unknown is not fast. With
 * probability `latencyExplorationRate ?? performanceExplorationRate` an unsampled (else the
 * least recently updated) target goes first instead.
 */
@Injectable()
export class LatencySelector implements TargetSelector {
  readonly name = 'latency';

  constructor(
    private readonly stats: PerformanceStats,
    private readonly settings: RoutingSettings,
  ) {}

  order(targets: readonly RouteTarget[]): RouteTarget[] {
    const exploration = this.settings.current.exploration;
    return rankByPerformance({
      targets,
      stats: this.stats,
      metric: (stats) => stats.avgTtftMs,
      better: 'lower',
      explorationRate: liveExplorationRate(
        this.settings.current,
        exploration.latencyExplorationRate ?? exploration.performanceExplorationRate,
      ),
    });
  }
}
