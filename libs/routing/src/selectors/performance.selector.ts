import { Injectable } from '@nestjs/common';
import { PerformanceStats } from '../performance/performance-stats.service';
import type { RouteTarget } from '../route-target';
import { RoutingSettings } from '../routing-settings';
import { liveExplorationRate, rankByPerformance } from './performance-ranking';
import type { TargetSelector } from './target-selector';

/**
 * Highest output throughput after the first token first. Targets without throughput data
 * come after those with data, in declared order. With probability `performanceExplorationRate`
 * an unsampled (else the least recently updated) target goes first instead.
 */
@Injectable()
export class PerformanceSelector implements TargetSelector {
  readonly name = 'performance';

  constructor(
    private readonly stats: PerformanceStats,
    private readonly settings: RoutingSettings,
  ) {}

  order(targets: readonly RouteTarget[]): RouteTarget[] {
    return rankByPerformance({
      targets,
      stats: this.stats,
      metric: (stats) => stats.avgTokensPerSec,
      better: 'higher',
      explorationRate: liveExplorationRate(
        this.settings.current,
        this.settings.current.exploration.performanceExplorationRate,
      ),
    });
  }
}
