import { Injectable } from '@nestjs/common';
import { PerformanceStats } from '../performance/performance-stats.service';
import type { RouteTarget } from '../route-target';
import type { TargetSelector } from './target-selector';

/**
 * Fewest requests in the last 24 hours first, spreading load across targets; ties keep the
 * declared order. Counts come from the in-memory PerformanceStats (no per-request query), so
 * they start from zero when the process does.
 */
@Injectable()
export class UsageSelector implements TargetSelector {
  readonly name = 'usage';

  constructor(private readonly stats: PerformanceStats) {}

  order(targets: readonly RouteTarget[]): RouteTarget[] {
    const now = Date.now();
    return targets
      .map((target) => ({ target, requests: this.stats.requestsInLast24h(target.provider, target.model, now) }))
      .sort((a, b) => a.requests - b.requests)
      .map((entry) => entry.target);
  }
}
