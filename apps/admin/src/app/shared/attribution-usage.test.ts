import { describe, expect, it } from 'vitest';
import type { UsageBreakdownRowDto } from '../api/models/usage-breakdown-row-dto';
import { attributionsByKey } from './attribution-usage';

function row(name: string | null, attribution: string | null, requests: number): UsageBreakdownRowDto {
  return {
    name,
    attribution,
    requests,
    tokens: requests * 100,
    cost: requests / 100,
    inputTokens: 0,
    outputTokens: 0,
    cachedTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    errors: 0,
    avgDurationMs: 0,
    p50DurationMs: null,
    p95DurationMs: null,
    p99DurationMs: null,
    p50TtftMs: null,
    p95TtftMs: null,
    p99TtftMs: null,
  };
}

describe('attributionsByKey', () => {
  it('groups per key, labels bare-key requests, orders by requests and drops keys never used with a label', () => {
    const grouped = attributionsByKey([
      row('team', null, 2),
      row('team', 'cli', 10),
      row('solo', null, 5),
      row('team', 'cursor', 30),
      row(null, null, 1),
    ]);
    expect([...grouped.keys()]).toEqual(['team']);
    expect(grouped.get('team')).toEqual([
      { label: ':cursor', requests: 30, tokens: 3000, cost: 0.3 },
      { label: ':cli', requests: 10, tokens: 1000, cost: 0.1 },
      { label: 'no label', requests: 2, tokens: 200, cost: 0.02 },
    ]);
  });
});
