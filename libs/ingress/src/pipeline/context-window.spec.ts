import { ErrorCode, GatewayException } from '@plexus/core';
import type { RouteTarget } from '@plexus/routing';
import { firstValueFrom, of, throwError } from 'rxjs';
import { ContextWindowGuard, configuredContextWindow } from './context-window';
import { withFailover } from './failover';

function target(model: string, modelConfig: Record<string, unknown> = {}): RouteTarget {
  return {
    provider: 'p',
    model,
    apiType: 'chat',
    baseUrl: 'https://p.example.com/v1',
    apiKey: null,
    headers: {},
    extraBody: {},
    timeoutMs: null,
    group: 'g',
    modelConfig,
    discount: 0,
    stall: {},
  };
}

const tooLong = new GatewayException(ErrorCode.UPSTREAM_ERROR, {
  status: 400,
  message: "p/m returned 400: This model's maximum context length is 8192 tokens",
  upstream: { provider: 'p', model: 'm', status: 400 },
});
const overloaded = new GatewayException(ErrorCode.UPSTREAM_ERROR, {
  status: 503,
  message: 'p/m returned 503: overloaded',
  upstream: { provider: 'p', model: 'm', status: 503 },
});

describe('context-length failover', () => {
  const windows: Record<string, number | null> = {
    small: 8000,
    smaller: 4000,
    same: 8000,
    large: 32000,
    unknown: null,
  };
  const targets = Object.keys(windows).map((model) => target(model));
  const windowOf = (candidate: RouteTarget): number | null => windows[candidate.model] ?? null;

  it('reads the window configured on the provider model', () => {
    expect(configuredContextWindow(target('m', { context_length: 128000 }))).toBe(128000);
    expect(configuredContextWindow(target('m', { context_length: '128k' }))).toBeNull();
    expect(configuredContextWindow(target('m'))).toBeNull();
  });

  it('skips targets whose window is not larger than one the prompt exceeded; unknown windows are tried', () => {
    const guard = new ContextWindowGuard(windowOf);
    expect(guard.skipReason(targets[1])).toBeNull();
    guard.attemptFailed(targets[0], tooLong);
    expect(targets.map((candidate) => guard.skipReason(candidate) !== null)).toEqual([true, true, true, false, false]);
  });

  it('learns nothing from other failures, or from a refusal by a target whose window is unknown', () => {
    const guard = new ContextWindowGuard(windowOf);
    guard.attemptFailed(targets[0], overloaded);
    guard.attemptFailed(targets[4], tooLong);
    expect(targets.map((candidate) => guard.skipReason(candidate))).toEqual([null, null, null, null, null]);
  });

  it('withFailover passes over the targets the skip hook names', async () => {
    const guard = new ContextWindowGuard(windowOf);
    const tried: string[] = [];
    const skipped: string[] = [];
    const answer = await firstValueFrom(
      withFailover(
        targets.length,
        (index) => {
          tried.push(targets[index].model);
          return index === 0 ? throwError(() => tooLong) : of(targets[index].model);
        },
        {
          onAttemptStart: () => undefined,
          onAttemptFailed: (index, error) => guard.attemptFailed(targets[index], error),
          skip: (index) => {
            const skip = guard.skipReason(targets[index]) !== null;
            if (skip) skipped.push(targets[index].model);
            return skip;
          },
        },
      ),
    );
    expect({ answer, tried, skipped }).toEqual({
      answer: 'large',
      tried: ['small', 'large'],
      skipped: ['smaller', 'same'],
    });
  });
});
