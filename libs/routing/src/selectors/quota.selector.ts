import { Injectable } from '@nestjs/common';
import type { RouteTarget } from '../route-target';
import { RandomSelector } from './random.selector';
import type { TargetSelector } from './target-selector';

/**
 * Meant to put first the target whose provider has the most quota headroom before its
 * reset ("burn-down": spend the quota that resets soonest first). Provider quota meters
 * don't exist yet, so for now it orders exactly like `random` (a uniform shuffle); once
 * they do, this selector reads them and the ordering changes, not the name.
 */
@Injectable()
export class QuotaSelector implements TargetSelector {
  readonly name = 'quota';

  private readonly random = new RandomSelector();

  order(targets: readonly RouteTarget[]): RouteTarget[] {
    return this.random.order(targets);
  }
}
