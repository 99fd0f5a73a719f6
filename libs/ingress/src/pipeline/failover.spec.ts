import { ErrorCode, GatewayException } from '@plexus/core';
import { DEFAULT_ROUTING_SETTINGS, type FailoverSettings } from '@plexus/routing';
import { Subject, firstValueFrom, of, throwError, toArray, type Observable } from 'rxjs';
import { cooldownFailure, isRetryable, withFailover, type FailoverHooks } from './failover';

function upstream(status: number, text = `upstream returned ${status}`, retryAfterSeconds?: number): GatewayException {
  return new GatewayException(ErrorCode.UPSTREAM_ERROR, {
    status,
    message: `p/m returned ${status}: ${text}`,
    upstream: { provider: 'p', model: 'm', status },
    ...(retryAfterSeconds !== undefined && { retryAfterSeconds }),
  });
}

/** A transport failure as upstreamTransportError builds it: the undici error as the cause. */
function unreachable(code: string, message = 'connect failed'): GatewayException {
  return new GatewayException(ErrorCode.UPSTREAM_UNREACHABLE, {
    message: `p/m unreachable (${code})`,
    upstream: { provider: 'p', model: 'm' },
    cause: Object.assign(new Error(message), { code }),
  });
}

function policy(overrides: Partial<FailoverSettings> = {}): FailoverSettings {
  return { ...DEFAULT_ROUTING_SETTINGS.failover, ...overrides };
}

/** Hooks that record their calls, in order. */
function recordingHooks(): FailoverHooks & { calls: string[]; errors: unknown[] } {
  const calls: string[] = [];
  const errors: unknown[] = [];
  return {
    calls,
    errors,
    onAttemptStart: (index) => calls.push(`start ${index}`),
    onAttemptFailed: (index, error, afterFirstByte) => {
      calls.push(afterFirstByte ? `failed ${index} after first byte` : `failed ${index}`);
      errors.push(error);
    },
  };
}

function collect<T>(source: Observable<T>): Promise<T[]> {
  return firstValueFrom(source.pipe(toArray()));
}

describe('isRetryable', () => {
  it.each([429, 500, 502, 503, 504, 529, 402, 408, 409, 425])(
    'retries an upstream %i under the default policy',
    (status) => {
      expect(isRetryable(upstream(status))).toBe(true);
    },
  );

  it.each([400, 401, 403, 404, 413, 422, 501, 599])(
    'does not retry an upstream %i under the default policy',
    (status) => {
      expect(isRetryable(upstream(status))).toBe(false);
    },
  );

  it('retries exactly the configured statuses, plus 402', () => {
    const custom = policy({ retryableStatusCodes: [401, 501] });
    expect([400, 401, 402, 429, 500, 501, 503].filter((status) => isRetryable(upstream(status), custom))).toEqual([
      401, 402, 501,
    ]);
  });

  it('never retries 413 or 422, even when configured', () => {
    const everything = policy({ retryableStatusCodes: [400, 413, 422, 429] });
    expect(isRetryable(upstream(413), everything)).toBe(false);
    expect(isRetryable(upstream(422), everything)).toBe(false);
    expect(isRetryable(upstream(429), everything)).toBe(true);
  });

  it.each([
    "This model's maximum context length is 8192 tokens",
    'context_length_exceeded',
    'prompt is too long: 210000 tokens > 200000 maximum',
  ])('moves a context-length 400 to the next target: %s', (text) => {
    expect(isRetryable(upstream(400, text))).toBe(true);
  });

  it.each([
    'The response was filtered due to the prompt triggering content management policy',
    'content_filter',
    'ResponsibleAIPolicyViolation',
  ])('never retries a content-filter 400, even with 400 configured: %s', (text) => {
    expect(isRetryable(upstream(400, text), policy({ retryableStatusCodes: [400] }))).toBe(false);
  });

  it('retries a plain 400 only when 400 is configured', () => {
    expect(isRetryable(upstream(400, 'bad temperature'))).toBe(false);
    expect(isRetryable(upstream(400, 'bad temperature'), policy({ retryableStatusCodes: [400] }))).toBe(true);
  });

  it.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'UND_ERR_SOCKET'])(
    'retries the transport failure %s by default',
    (code) => {
      expect(isRetryable(unreachable(code))).toBe(true);
    },
  );

  it('retries a transport failure only when its code or message matches retryableErrors, case-insensitively', () => {
    expect(isRetryable(unreachable('ERR_TLS_CERT_ALTNAME_INVALID', 'hostname mismatch'))).toBe(false);
    expect(
      isRetryable(
        unreachable('ERR_TLS_CERT_ALTNAME_INVALID', 'hostname mismatch'),
        policy({ retryableErrors: ['err_tls'] }),
      ),
    ).toBe(true);
    expect(isRetryable(unreachable('X', 'socket Hang Up'), policy({ retryableErrors: ['hang up'] }))).toBe(true);
    expect(isRetryable(unreachable('ECONNREFUSED'), policy({ retryableErrors: ['ENOTFOUND'] }))).toBe(false);
    expect(isRetryable(new GatewayException(ErrorCode.UPSTREAM_UNREACHABLE))).toBe(false);
  });

  it('reads retryableErrors as regular expressions, or substrings when they do not parse', () => {
    expect(isRetryable(unreachable('X', 'rate-limit reached'), policy({ retryableErrors: ['rate.limit'] }))).toBe(true);
    expect(isRetryable(unreachable('X', 'bad (paren'), policy({ retryableErrors: ['(paren'] }))).toBe(true);
  });

  it.each([ErrorCode.UPSTREAM_TIMEOUT, ErrorCode.UPSTREAM_INVALID_RESPONSE])(
    'retries the upstream failure %s',
    (code) => {
      expect(isRetryable(new GatewayException(code))).toBe(true);
    },
  );

  it('retries nothing when failover is disabled', () => {
    const off = policy({ enabled: false });
    expect(isRetryable(upstream(503), off)).toBe(false);
    expect(isRetryable(new GatewayException(ErrorCode.UPSTREAM_TIMEOUT), off)).toBe(false);
    expect(isRetryable(unreachable('ECONNREFUSED'), off)).toBe(false);
  });

  it.each([
    ErrorCode.INVALID_REQUEST,
    ErrorCode.MALFORMED_JSON,
    ErrorCode.PAYLOAD_TOO_LARGE,
    ErrorCode.MISSING_API_KEY,
    ErrorCode.INVALID_API_KEY,
    ErrorCode.FORBIDDEN,
    ErrorCode.MODEL_NOT_FOUND,
    ErrorCode.PROVIDER_NOT_FOUND,
    ErrorCode.NOT_FOUND,
    ErrorCode.NO_HEALTHY_TARGET,
    ErrorCode.UNSUPPORTED_API_FORMAT,
    ErrorCode.INTERNAL,
  ])('does not retry the gateway error %s', (code) => {
    expect(isRetryable(new GatewayException(code))).toBe(false);
  });

  it('does not retry a gateway error whose own status looks retryable', () => {
    expect(isRetryable(new GatewayException(ErrorCode.INTERNAL, { status: 503 }))).toBe(false);
    expect(isRetryable(new GatewayException(ErrorCode.NO_HEALTHY_TARGET))).toBe(false);
  });

  it.each([
    ['a plain Error', new Error('boom')],
    ['a string', 'boom'],
    ['undefined', undefined],
    ['an error-like object with a retryable status', { code: ErrorCode.UPSTREAM_ERROR, status: 503 }],
  ])('does not retry %s', (_label, error) => {
    expect(isRetryable(error)).toBe(false);
  });
});

describe('withFailover', () => {
  it('runs only the first attempt when it succeeds', async () => {
    const hooks = recordingHooks();
    const attempt = jest.fn((index: number) => of(`a${index}-1`, `a${index}-2`));
    await expect(collect(withFailover(3, attempt, hooks))).resolves.toEqual(['a0-1', 'a0-2']);
    expect(attempt).toHaveBeenCalledTimes(1);
    expect(hooks.calls).toEqual(['start 0']);
  });

  it('does nothing until subscribed', () => {
    const hooks = recordingHooks();
    const attempt = jest.fn(() => of(1));
    withFailover(2, attempt, hooks);
    expect(attempt).not.toHaveBeenCalled();
    expect(hooks.calls).toEqual([]);
  });

  it('moves to the next attempt when the first fails retryably before emitting', async () => {
    const hooks = recordingHooks();
    const first = upstream(503);
    const attempt = jest.fn((index: number) => (index === 0 ? throwError(() => first) : of('from-1')));
    await expect(collect(withFailover(2, attempt, hooks))).resolves.toEqual(['from-1']);
    expect(attempt.mock.calls.map(([index]) => index)).toEqual([0, 1]);
    expect(hooks.calls).toEqual(['start 0', 'failed 0', 'start 1']);
    expect(hooks.errors).toEqual([first]);
  });

  it('walks through several failing attempts until one succeeds', async () => {
    const hooks = recordingHooks();
    const failures = [upstream(429), new GatewayException(ErrorCode.UPSTREAM_TIMEOUT)];
    const attempt = (index: number): Observable<string> =>
      index < failures.length ? throwError(() => failures[index]) : of(`ok-${index}`);
    await expect(collect(withFailover(4, attempt, hooks))).resolves.toEqual(['ok-2']);
    expect(hooks.calls).toEqual(['start 0', 'failed 0', 'start 1', 'failed 1', 'start 2']);
  });

  it('does not retry a non-retryable error', async () => {
    const hooks = recordingHooks();
    const error = upstream(400);
    const attempt = jest.fn((index: number) => (index === 0 ? throwError(() => error) : of('never')));
    await expect(collect(withFailover(3, attempt, hooks))).rejects.toBe(error);
    expect(attempt).toHaveBeenCalledTimes(1);
    expect(hooks.calls).toEqual(['start 0', 'failed 0']);
  });

  it('does not retry once a value was emitted, even for a retryable error', async () => {
    const hooks = recordingHooks();
    const stream = new Subject<string>();
    const attempt = jest.fn((index: number) => (index === 0 ? stream.asObservable() : of('never')));
    const seen: string[] = [];
    const done = new Promise<unknown>((resolve) => {
      withFailover(3, attempt, hooks).subscribe({
        next: (value) => seen.push(value),
        error: resolve,
        complete: () => resolve('completed'),
      });
    });
    stream.next('first chunk');
    const error = upstream(503);
    stream.error(error);
    await expect(done).resolves.toBe(error);
    expect(seen).toEqual(['first chunk']);
    expect(attempt).toHaveBeenCalledTimes(1);
    expect(hooks.calls).toEqual(['start 0', 'failed 0 after first byte']);
  });

  it('stops at the last attempt and rethrows its error', async () => {
    const hooks = recordingHooks();
    const errors = [upstream(503), upstream(502), upstream(500)];
    const attempt = jest.fn((index: number) => throwError(() => errors[index]));
    await expect(collect(withFailover(3, attempt, hooks))).rejects.toBe(errors[2]);
    expect(attempt).toHaveBeenCalledTimes(3);
    expect(hooks.calls).toEqual(['start 0', 'failed 0', 'start 1', 'failed 1', 'start 2', 'failed 2']);
    expect(hooks.errors).toEqual(errors);
  });

  it('with a single attempt, rethrows a retryable error as is', async () => {
    const hooks = recordingHooks();
    const error = upstream(503);
    await expect(collect(withFailover(1, () => throwError(() => error), hooks))).rejects.toBe(error);
    expect(hooks.calls).toEqual(['start 0', 'failed 0']);
  });

  it('forwards values of a later attempt as they come, then completes', () => {
    const hooks = recordingHooks();
    const second = new Subject<number>();
    const attempt = (index: number): Observable<number> => (index === 0 ? throwError(() => upstream(502)) : second);
    const seen: number[] = [];
    let completed = false;
    withFailover(2, attempt, hooks).subscribe({
      next: (value) => seen.push(value),
      complete: () => (completed = true),
    });
    expect(hooks.calls).toEqual(['start 0', 'failed 0', 'start 1']);
    second.next(1);
    second.next(2);
    expect(seen).toEqual([1, 2]);
    expect(completed).toBe(false);
    second.complete();
    expect(completed).toBe(true);
  });

  it('stops the running attempt when the subscriber unsubscribes', () => {
    const hooks = recordingHooks();
    const stream = new Subject<string>();
    const subscription = withFailover(2, () => stream, hooks).subscribe();
    expect(stream.observed).toBe(true);
    subscription.unsubscribe();
    expect(stream.observed).toBe(false);
    expect(hooks.calls).toEqual(['start 0']);
  });

  it('tries at most maxAttempts targets', async () => {
    const hooks = recordingHooks();
    const attempt = jest.fn(() => throwError(() => upstream(503)));
    await expect(collect(withFailover(5, attempt, hooks, policy({ maxAttempts: 2 })))).rejects.toBeInstanceOf(
      GatewayException,
    );
    expect(attempt).toHaveBeenCalledTimes(2);
  });

  it('tries only the first target when failover is disabled', async () => {
    const hooks = recordingHooks();
    const error = upstream(503);
    const attempt = jest.fn((index: number) => (index === 0 ? throwError(() => error) : of('never')));
    await expect(collect(withFailover(3, attempt, hooks, policy({ enabled: false })))).rejects.toBe(error);
    expect(attempt).toHaveBeenCalledTimes(1);
  });

  it('follows the configured statuses', async () => {
    const hooks = recordingHooks();
    const attempt = (index: number): Observable<string> =>
      index === 0 ? throwError(() => upstream(401)) : of('from-1');
    await expect(collect(withFailover(2, attempt, hooks, policy({ retryableStatusCodes: [401] })))).resolves.toEqual([
      'from-1',
    ]);
    await expect(collect(withFailover(2, attempt, recordingHooks()))).rejects.toBeInstanceOf(GatewayException);
  });
});

describe('cooldownFailure', () => {
  const target = { provider: 'p', model: 'm' };

  it('reports an upstream HTTP error with its status, Retry-After and message', () => {
    expect(cooldownFailure(target, upstream(429, 'slow down', 30), false)).toEqual({
      provider: 'p',
      model: 'm',
      status: 429,
      retryAfterSeconds: 30,
      reason: 'p/m returned 429: slow down',
      afterFirstByte: false,
    });
    expect(cooldownFailure(target, upstream(500), true)).not.toHaveProperty('retryAfterSeconds');
  });

  it.each([ErrorCode.UPSTREAM_UNREACHABLE, ErrorCode.UPSTREAM_TIMEOUT, ErrorCode.UPSTREAM_INVALID_RESPONSE])(
    'reports %s without a status',
    (code) => {
      expect(cooldownFailure(target, new GatewayException(code), true)).toMatchObject({
        provider: 'p',
        model: 'm',
        status: null,
        afterFirstByte: true,
      });
    },
  );

  it('reports nothing for the gateway own errors', () => {
    expect(cooldownFailure(target, new GatewayException(ErrorCode.UNSUPPORTED_API_FORMAT), false)).toBeNull();
    expect(cooldownFailure(target, new GatewayException(ErrorCode.INTERNAL), false)).toBeNull();
    expect(cooldownFailure(target, new Error('boom'), false)).toBeNull();
  });
});
