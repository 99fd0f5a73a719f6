/** How much quota a provider has left, as the `quota` selector ranks it. */
export interface ProviderHeadroom {
  /** `expiring`: some meter resets at a known time (spend it first); `balance`: none does. */
  category: 'expiring' | 'balance';
  /** Higher is more to spend. */
  score: number;
}

/**
 * What routing needs from provider quota meters, without depending on the quota lib
 * (DESIGN.md section 3): the gateway binds PROVIDER_QUOTA_VIEW to the meter state.
 * Without a binding, no provider is ever over quota and the `quota` selector is random.
 */
export interface ProviderQuotaView {
  /** Until when (epoch ms) the provider is at or over its quota, or null. */
  exhaustedUntil(provider: string, now: number): number | null;
  /** The provider's headroom from fresh meter readings, or null without any. */
  headroom(provider: string, now: number): ProviderHeadroom | null;
}

export const PROVIDER_QUOTA_VIEW = Symbol('PROVIDER_QUOTA_VIEW');
