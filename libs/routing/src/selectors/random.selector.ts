import { Injectable } from '@nestjs/common';
import type { RouteTarget } from '../route-target';
import type { TargetSelector } from './target-selector';

/** Uniformly random order (Fisher-Yates): the default selector. */
@Injectable()
export class RandomSelector implements TargetSelector {
  readonly name = 'random';

  order(targets: readonly RouteTarget[]): RouteTarget[] {
    const shuffled = [...targets];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
    }
    return shuffled;
  }
}
