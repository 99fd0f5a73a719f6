import type { CooldownDto } from '../api/models/cooldown-dto';

export interface CooldownView {
  readonly provider: string;
  /** '' when the whole provider cools down. */
  readonly model: string;
  readonly label: string;
  readonly remaining: string;
  readonly failures: number;
  readonly lastError: string | null;
}

/** "45 s", "3m 20s", "1h 05m". */
export function formatRemaining(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

/** Active cooldowns grouped by provider slug, the soonest to end first. */
export function cooldownsByProvider(cooldowns: readonly CooldownDto[]): ReadonlyMap<string, CooldownView[]> {
  const byProvider = new Map<string, CooldownView[]>();
  const active = cooldowns.filter((c) => c.timeRemainingMs > 0).sort((a, b) => a.timeRemainingMs - b.timeRemainingMs);
  for (const c of active) {
    const views = byProvider.get(c.provider) ?? [];
    views.push({
      provider: c.provider,
      model: c.model,
      label: c.model === '' ? 'whole provider' : c.model,
      remaining: formatRemaining(c.timeRemainingMs),
      failures: c.consecutiveFailures,
      lastError: c.lastError,
    });
    byProvider.set(c.provider, views);
  }
  return byProvider;
}
