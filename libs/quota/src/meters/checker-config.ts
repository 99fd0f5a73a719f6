import type { ProviderRecord } from '@plexus/persistence';
import { numberOf } from './checkers/checker-http';

export const DEFAULT_INTERVAL_MINUTES = 30;
export const DEFAULT_MAX_UTILIZATION_PERCENT = 99;

/** A provider's `quota_checker` block, resolved: what the scheduler runs and how routing reads it. */
export interface CheckerConfig {
  /** `quota_checker.id`, else the provider slug. */
  checkerId: string;
  type: string;
  provider: string;
  displayName: string;
  intervalMs: number;
  options: Record<string, unknown>;
  /** `options.apiKey`, else the provider's (decrypted) API key; `oauth` is no key. */
  apiKey: string | null;
  /** Utilisation (percent) at or over which routing skips the provider. */
  maxUtilizationPercent: number;
  oauthProvider?: string;
  oauthAccount?: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** The provider's checker, or null when it has none (or it is disabled). */
export function checkerConfigOf(provider: ProviderRecord): CheckerConfig | null {
  const block = provider.settings['quota_checker'];
  if (!isObject(block) || block['enabled'] === false) return null;
  const type = nonEmpty(block['type']);
  if (!type) return null;
  const options = isObject(block['options']) ? { ...block['options'] } : {};
  const minutes = numberOf(block['intervalMinutes']);
  const configuredMax = numberOf(options['maxUtilizationPercent']);
  const providerKey = provider.apiKey && provider.apiKey !== 'oauth' ? provider.apiKey : null;
  const oauthProvider = nonEmpty(provider.settings['oauth_provider']);
  const oauthAccount = nonEmpty(provider.settings['oauth_account']);
  return {
    checkerId: nonEmpty(block['id']) ?? provider.slug,
    type,
    provider: provider.slug,
    displayName: provider.displayName ?? provider.slug,
    intervalMs: Math.max(1, minutes ?? DEFAULT_INTERVAL_MINUTES) * 60_000,
    options,
    apiKey: nonEmpty(options['apiKey']) ?? providerKey,
    maxUtilizationPercent:
      configuredMax !== undefined && configuredMax > 0 && configuredMax <= 100
        ? configuredMax
        : provider.settings['allow_100_percent_utilization'] === true
          ? 100
          : DEFAULT_MAX_UTILIZATION_PERCENT,
    ...(oauthProvider !== undefined && { oauthProvider }),
    ...(oauthAccount !== undefined && { oauthAccount }),
  };
}
