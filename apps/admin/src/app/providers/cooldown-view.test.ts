import { describe, expect, it } from 'vitest';
import { cooldownsByProvider, formatRemaining } from './cooldown-view';

describe('cooldown view', () => {
  it('formats the time left', () => {
    expect(formatRemaining(400)).toBe('1 s');
    expect(formatRemaining(59_000)).toBe('59 s');
    expect(formatRemaining(125_000)).toBe('2m 05s');
    expect(formatRemaining(3_900_000)).toBe('1h 05m');
  });

  it('groups active cooldowns by provider, soonest first; a whole-provider cooldown is named so', () => {
    const grouped = cooldownsByProvider([
      { provider: 'a', model: 'm2', expiry: 0, timeRemainingMs: 60_000, consecutiveFailures: 1, lastError: null },
      { provider: 'a', model: '', expiry: 0, timeRemainingMs: 5_000, consecutiveFailures: 3, lastError: 'reset' },
      { provider: 'b', model: 'x', expiry: 0, timeRemainingMs: 0, consecutiveFailures: 1, lastError: null },
    ]);
    expect([...grouped.keys()]).toEqual(['a']);
    expect(grouped.get('a')?.map((c) => `${c.label} ${c.remaining}`)).toEqual(['whole provider 5 s', 'm2 1m 00s']);
  });
});
