import type { RouteTarget } from '@plexus/routing';
import { isContextLengthError } from './failover';

/** A target's context window in tokens: `context_length` on the provider model, else the catalog's, else unknown. */
export type ContextWindowOf = (target: RouteTarget) => number | null;

export function configuredContextWindow(target: RouteTarget): number | null {
  const configured = target.modelConfig['context_length'];
  return typeof configured === 'number' && Number.isFinite(configured) && configured > 0 ? configured : null;
}

/**
 * After a target refused the prompt as too long for its context window, failover goes
 * only to targets with a larger window: the prompt is known not to fit the failed one's,
 * so neither will it fit a window that size or smaller. A target whose window is unknown
 * (or after a refusal from a target whose window is unknown) is tried, as the reference
 * gateway tries every target.
 */
export class ContextWindowGuard {
  /** The largest window the prompt is known not to fit. */
  private exceeded: number | null = null;

  constructor(private readonly windowOf: ContextWindowOf) {}

  attemptFailed(target: RouteTarget, error: unknown): void {
    if (!isContextLengthError(error)) return;
    const window = this.windowOf(target);
    if (window !== null) this.exceeded = Math.max(this.exceeded ?? 0, window);
  }

  /** Why the target would refuse the prompt too, or null when it may be tried. */
  skipReason(target: RouteTarget): string | null {
    if (this.exceeded === null) return null;
    const window = this.windowOf(target);
    if (window === null || window > this.exceeded) return null;
    return `context_window: ${window} tokens, and the prompt exceeded a ${this.exceeded}-token window`;
  }
}
