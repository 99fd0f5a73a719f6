import type { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AdminSession } from '../core/admin-session';
import { expectCall, render, settle, setUpHttp, text } from '../testing/test-setup';
import { KeyList } from './key-list';

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

  it('shows each key\'s 30-day usage and rotates a secret after confirmation, showing the new one once', async () => {
    const fixture = await render(KeyList);
    expectCall(http, 'GET', '/v0/management/keys').flush({ ci: { secret: 'sk-...abcd', quotas: ['daily'] } });
    const summary = http.expectOne((r) => r.url === '/v0/management/usage/summary');
    expect(summary.request.params.get('range')).toBe('day');
    expect(summary.request.params.get('limit')).toBe('100');
    summary.flush({
      byKey: [{ name: 'ci', requests: 12, errors: 1, tokens: 3400, cost: 0.5, inputTokens: 0, outputTokens: 0, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, avgDurationMs: 1, p50DurationMs: 1, p95DurationMs: 1, p99DurationMs: 1, p50TtftMs: 1, p95TtftMs: 1, p99TtftMs: 1 }],
    });
    await settle(fixture);
    expect(text(fixture)).toContain('12 requests · 3,400 tokens');
    expect(text(fixture)).toContain('$0.50 · 1 failed');
    expect(text(fixture)).toContain('quotas: daily');

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
});
