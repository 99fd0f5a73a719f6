import type { RouteTarget } from '../route-target';

/**
 * Orders the healthy targets of one group: the first is tried first. Each strategy is
 * one class, registered under TARGET_SELECTORS and picked by its `name`.
 */
export interface TargetSelector {
  readonly name: string;
  order(targets: readonly RouteTarget[]): RouteTarget[];
}

export const TARGET_SELECTORS = Symbol('TARGET_SELECTORS');
