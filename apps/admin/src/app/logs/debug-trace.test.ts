import type { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AdminSession } from '../core/admin-session';
import { expectCall, render, settle, setUpHttp, text } from '../testing/test-setup';
import { DebugTrace, traceText } from './debug-trace';

describe('DebugTrace', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    sessionStorage.clear();
    http = setUpHttp();
    TestBed.inject(AdminSession).signIn('admin-key');
  });

  afterEach(() => http.verify());

  it('formats bodies: text as it is, the rest as JSON', () => {
    expect(traceText('data: {}\n\n')).toBe('data: {}\n\n');
    expect(traceText({ a: 1 })).toBe('{\n  "a": 1\n}');
    expect(traceText(null)).toBe('—');
  });

  it('shows the client request, each attempt and the answer', async () => {
    const fixture = await render(DebugTrace, { requestId: 'r1', captured: true });
    expectCall(http, 'GET', '/v0/management/debug/logs/r1').flush({
      requestId: 'r1',
      incomingApiType: 'chat',
      requestHeaders: { authorization: 'Bearer sk-...abcd' },
      rawRequest: { model: 'smart' },
      attempts: [
        {
          provider: 'mock',
          model: 'm1',
          apiType: 'chat',
          url: 'http://up/v1/chat/completions',
          responseStatus: 503,
          error: 'HTTP 503',
          requestHeaders: {},
          requestBody: { model: 'm1' },
          responseBody: 'overloaded',
          responseHeaders: null,
        },
      ],
      transformedResponse: { choices: [] },
    });
    await settle(fixture);
    expect(text(fixture)).toContain('Attempt 1: mock/m1 (chat) → 503');
    expect(text(fixture)).toContain('overloaded');
    expect(text(fixture)).toContain('"model": "smart"');
  });

  it('says when no trace was captured without asking, and when one has gone since', async () => {
    const none = await render(DebugTrace, { requestId: 'r2', captured: false });
    expect(text(none)).toContain('No trace was captured for this request');
    const gone = await render(DebugTrace, { requestId: 'r3', captured: true });
    expectCall(http, 'GET', '/v0/management/debug/logs/r3').flush(
      { error: { message: 'Not found' } },
      { status: 404, statusText: 'Not Found' },
    );
    await settle(gone);
    expect(text(gone)).toContain('No trace was captured for this request');
  });
});
