import { Inject, Injectable, Optional } from '@nestjs/common';
import { PROVIDER_QUOTA_VIEW, type ProviderHeadroom, type ProviderQuotaView } from '../provider-quota';
import type { RouteTarget } from '../route-target';
import { RandomSelector } from './random.selector';
import type { TargetSelector } from './target-selector';

const CATEGORY_ORDER: Record<ProviderHeadroom['category'], number> = { expiring: 0, balance: 1 };

/**
 * "Burn-down": puts first the target whose provider has the most quota headroom before
 * its reset, so the quota that expires soonest is spent first. Providers with a reset
 * time come before plain balances, higher score first, ties in declared order; targets
 * without fresh meter readings follow in random order. With no readings at all it is
 * `random`.
 */
@Injectable()
export class QuotaSelector implements TargetSelector {
  readonly name = 'quota';

  private readonly random = new RandomSelector();

  constructor(@Optional() @Inject(PROVIDER_QUOTA_VIEW) private readonly quota: ProviderQuotaView | null = null) {}

  order(targets: readonly RouteTarget[]): RouteTarget[] {
    const now = Date.now();
    const ranked: Array<{ target: RouteTarget; headroom: ProviderHeadroom; index: number }> = [];
    const unknown: RouteTarget[] = [];
    targets.forEach((target, index) => {
      const headroom = this.quota?.headroom(target.provider, now) ?? null;
      if (headroom) ranked.push({ target, headroom, index });
      else unknown.push(target);
    });
    ranked.sort(
      (a, b) =>
        CATEGORY_ORDER[a.headroom.category] - CATEGORY_ORDER[b.headroom.category] ||
        b.headroom.score - a.headroom.score ||
        a.index - b.index,
    );
    return [...ranked.map((entry) => entry.target), ...this.random.order(unknown)];
  }
}
