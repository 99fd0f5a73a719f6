import { Injectable } from '@nestjs/common';
import type { RouteTarget } from '../route-target';
import type { TargetSelector } from './target-selector';

/** The declared order. */
@Injectable()
export class InOrderSelector implements TargetSelector {
  readonly name = 'in_order';

  order(targets: readonly RouteTarget[]): RouteTarget[] {
    return [...targets];
  }
}
