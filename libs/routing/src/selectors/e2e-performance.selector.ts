import { Injectable } from '@nestjs/common';
import { PerformanceStats } from '../performance/performance-stats.service';
import type { RouteTarget } from '../route-target';
import { RoutingSettings } from '../routing-settings';
import { liveExplorationRate, rankByPerformance } from './performance-ranking';
import type { TargetSelector } from './target-selector';

/**
 * Highest end-to-end throughput (output tokens over the whole duration, TTFT included)
 * first. Targets without data come after those with data, in declared order. With
 * probability `e2ePerformanceExplorationRate ?? performanceExplorationRate` an unsampled
 * (else the least recently updated) target goes first instead.
 */
@Injectable()
export class E2ePerformanceSelector implements TargetSelector {
  readonly name = 'e2e_performance';

  constructor(
    private readonly stats: PerformanceStats,
    private readonly settings: RoutingSettings,
  ) {}

  order(targets: readonly RouteTarget[]): RouteTarget[] {
    const exploration = this.settings.current.exploration;
    return rankByPerformance({
      targets,
      stats: this.stats,
      metric: (stats) => stats.avgE2eTokensPerSec,
      better: 'higher',
      explorationRate: liveExplorationRate(
        this.settings.current,
        exploration.e2ePerformanceExplorationRate ?? exploration.performanceExplorationRate,
      ),
    });
  }
}
