import type { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AdminSession } from '../core/admin-session';
import { expectCall, render, settle, setUpHttp, text } from '../testing/test-setup';
import { KeyList } from './key-list';

const LATENCY = {
  avgDurationMs: 1,
  p50DurationMs: 1,
  p95DurationMs: 1,
  p99DurationMs: 1,
  p50TtftMs: 1,
  p95TtftMs: 1,
  p99TtftMs: 1,
};
const NO_TOKENS = {
  inputTokens: 0,
  outputTokens: 0,
  cachedTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
  errors: 0,
};

function button(label: string): HTMLElement {
  const found = Array.from(document.querySelectorAll('button')).find((b) => b.textContent?.trim() === label);
  if (!found) throw new Error(`no button '${label}'`);
  return found;
}

describe('KeyList', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    sessionStorage.clear();
    http = setUpHttp();
    TestBed.inject(AdminSession).signIn('admin-key');
  });

  afterEach(() => {
    http.verify();
    document.querySelectorAll('.cdk-overlay-container').forEach((element) => element.remove());
  });

  it("shows each key's 30-day usage and rotates a secret after confirmation, showing the new one once", async () => {
    const fixture = await render(KeyList);
    expectCall(http, 'GET', '/v0/management/keys').flush({ ci: { secret: 'sk-...abcd', quotas: ['daily'] } });
    const summary = http.expectOne((r) => r.url === '/v0/management/usage/summary');
    expect(summary.request.params.get('range')).toBe('day');
    expect(summary.request.params.get('limit')).toBe('100');
    summary.flush({
      byKey: [
        {
          name: 'ci',
          requests: 12,
          errors: 1,
          tokens: 3400,
          cost: 0.5,
          inputTokens: 0,
          outputTokens: 0,
          cachedTokens: 0,
          cacheWriteTokens: 0,
          reasoningTokens: 0,
          avgDurationMs: 1,
          p50DurationMs: 1,
          p95DurationMs: 1,
          p99DurationMs: 1,
          p50TtftMs: 1,
          p95TtftMs: 1,
          p99TtftMs: 1,
        },
      ],
      byAttribution: [
        { name: 'ci', attribution: null, requests: 12, tokens: 3400, cost: 0.5, ...NO_TOKENS, ...LATENCY },
      ],
    });
    await settle(fixture);
    expect(text(fixture)).toContain('12 requests · 3,400 tokens');
    expect(text(fixture)).toContain('$0.50 · 1 failed');
    expect(text(fixture)).toContain('quotas: daily');
    // Used only without a label: nothing to break down.
    expect(fixture.nativeElement.querySelector('[data-testid="attributions-ci"]')).toBeNull();

    button('Rotate').click();
    await settle(fixture);
    expect(document.body.textContent).toContain("Rotate the secret of 'ci'?");
    (document.querySelector('[data-testid="confirm"]') as HTMLElement).click();
    await settle(fixture);
    const rotate = http.expectOne((r) => r.method === 'POST' && r.url === '/v0/management/self/rotate');
    expect(rotate.request.params.get('keyName')).toBe('ci');
    rotate.flush({ keyName: 'ci', secret: `sk-${'a'.repeat(48)}` });
    await settle(fixture);
    expect(document.querySelector('[data-testid="new-secret"]')?.textContent?.trim()).toBe(`sk-${'a'.repeat(48)}`);
    expect(document.body.textContent).toContain("Key 'ci' has a new secret");
    (document.querySelector('[data-testid="close-secret"]') as HTMLElement).click();
    await settle(fixture);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await settle(fixture);
    expectCall(http, 'GET', '/v0/management/keys').flush({ ci: { secret: 'sk-...aaaa' } });
    await settle(fixture);
  });

  it("breaks a key's usage down by attribution (its :label suffixes), most requests first", async () => {
    const fixture = await render(KeyList);
    expectCall(http, 'GET', '/v0/management/keys').flush({
      team: { secret: 'sk-...abcd' },
      solo: { secret: 'sk-...efgh' },
    });
    http
      .expectOne((r) => r.url === '/v0/management/usage/summary')
      .flush({
        byKey: [
          { name: 'team', requests: 42, tokens: 9000, cost: 1.25, ...NO_TOKENS, ...LATENCY },
          { name: 'solo', requests: 3, tokens: 30, cost: 0, ...NO_TOKENS, ...LATENCY },
        ],
        byAttribution: [
          { name: 'team', attribution: 'cursor', requests: 30, tokens: 6000, cost: 1, ...NO_TOKENS, ...LATENCY },
          { name: 'team', attribution: null, requests: 2, tokens: 1000, cost: 0.05, ...NO_TOKENS, ...LATENCY },
          { name: 'team', attribution: 'cli', requests: 10, tokens: 2000, cost: 0.2, ...NO_TOKENS, ...LATENCY },
          { name: 'solo', attribution: null, requests: 3, tokens: 30, cost: 0, ...NO_TOKENS, ...LATENCY },
        ],
      });
    await settle(fixture);
    const table = fixture.nativeElement.querySelector('[data-testid="attributions-team"]') as HTMLTableElement;
    const rows = Array.from(table.querySelectorAll('tr')).map((row) =>
      Array.from(row.children).map((cell) => cell.textContent?.trim()),
    );
    expect(rows).toEqual([
      [':cursor', '30 req', '6,000 tok', '$1.00'],
      [':cli', '10 req', '2,000 tok', '$0.20'],
      ['no label', '2 req', '1,000 tok', '$0.05'],
    ]);
    expect(table.getAttribute('aria-label')).toBe('Usage of team by attribution');
    expect(fixture.nativeElement.querySelector('[data-testid="attributions-solo"]')).toBeNull();
  });
});
