import {
  parseBodyRetryHint,
  parseDurationMs,
  parseMessageDelay,
  parseRateLimitReset,
  parseResetValue,
  parseRetryAfter,
  parseRetryAfterMs,
  retryAfterSeconds,
} from './retry-after';

const NOW = Date.parse('2026-11-24T12:00:00Z');

describe('Retry-After', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('30', NOW)).toBe(30);
    expect(parseRetryAfter('1.2', NOW)).toBe(2);
    expect(parseRetryAfter(['45', '10'], NOW)).toBe(45);
    expect(parseRetryAfter('Tue, 24 Nov 2026 12:01:30 GMT', NOW)).toBe(90);
    expect(parseRetryAfter('Tue, 24 Nov 2026 11:00:00 GMT', NOW)).toBe(0);
  });

  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
    expect(parseRetryAfter('', NOW)).toBeUndefined();
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
    expect(parseRetryAfter('-5', NOW)).toBeUndefined();
  });

  it('reads retry-after-ms in milliseconds', () => {
    expect(parseRetryAfterMs('1500')).toBe(2);
    expect(parseRetryAfterMs('20')).toBe(1);
    expect(parseRetryAfterMs('abc')).toBeUndefined();
  });
});

describe('rate-limit reset headers', () => {
  it('reads Go-style durations', () => {
    expect(parseDurationMs('1s')).toBe(1000);
    expect(parseDurationMs('6m0s')).toBe(360_000);
    expect(parseDurationMs('2m59.56s')).toBe(179_560);
    expect(parseDurationMs('20ms')).toBe(20);
    expect(parseDurationMs('1h2m')).toBe(3_720_000);
    expect(parseDurationMs('soon')).toBeUndefined();
  });

  it('reads durations, ISO times, epoch seconds and ms, and delta-seconds', () => {
    expect(parseResetValue('6m0s', NOW)).toBe(360);
    expect(parseResetValue('2026-11-24T12:00:42Z', NOW)).toBe(42);
    expect(parseResetValue(String(NOW / 1000 + 120), NOW)).toBe(120);
    expect(parseResetValue(String(NOW + 5_000), NOW)).toBe(5);
    expect(parseResetValue('17', NOW)).toBe(17);
  });

  it("takes the used-up limit's reset (OpenAI, Groq)", () => {
    const headers = {
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': '12s',
      'x-ratelimit-remaining-tokens': '4000',
      'x-ratelimit-reset-tokens': '6m0s',
    };
    expect(parseRateLimitReset(headers, NOW)).toBe(12);
  });

  it("takes Anthropic's used-up limit's reset time", () => {
    const headers = {
      'anthropic-ratelimit-requests-remaining': '10',
      'anthropic-ratelimit-requests-reset': '2026-11-24T12:00:05Z',
      'anthropic-ratelimit-output-tokens-remaining': '0',
      'anthropic-ratelimit-output-tokens-reset': '2026-11-24T12:00:40Z',
    };
    expect(parseRateLimitReset(headers, NOW)).toBe(40);
  });

  it('takes the latest reset when none says which limit is used up (OpenRouter: epoch ms)', () => {
    expect(parseRateLimitReset({ 'x-ratelimit-reset': String(NOW + 30_000), 'x-ratelimit-limit': '20' }, NOW)).toBe(30);
    expect(parseRateLimitReset({ 'x-ratelimit-reset-requests': '1s', 'x-ratelimit-reset-tokens': '9s' }, NOW)).toBe(9);
    expect(parseRateLimitReset({ 'content-type': 'application/json' }, NOW)).toBeUndefined();
  });
});

describe('body hints', () => {
  it("reads OpenRouter's metadata.retry_after_seconds", () => {
    expect(
      parseBodyRetryHint(
        JSON.stringify({ error: { code: 429, message: 'Rate limited', metadata: { retry_after_seconds: 17 } } }),
        NOW,
      ),
    ).toBe(17);
  });

  it('reads the upstream headers OpenRouter forwards in metadata.headers', () => {
    const body = {
      error: {
        code: 429,
        message: 'Rate limit exceeded',
        metadata: { headers: { 'X-RateLimit-Reset': NOW + 8_000, 'X-RateLimit-Remaining': '0' } },
      },
    };
    expect(parseBodyRetryHint(JSON.stringify(body), NOW)).toBe(8);
  });

  it("reads Codex's resets_in_seconds and resets_at", () => {
    expect(
      parseBodyRetryHint(JSON.stringify({ error: { type: 'usage_limit_reached', resets_in_seconds: 3600 } }), NOW),
    ).toBe(3600);
    expect(
      parseBodyRetryHint(JSON.stringify({ error: { type: 'usage_limit_reached', resets_at: NOW / 1000 + 600 } }), NOW),
    ).toBe(600);
  });

  it("reads Gemini's RetryInfo retryDelay, also in a one-element array", () => {
    const error = {
      code: 429,
      status: 'RESOURCE_EXHAUSTED',
      details: [
        { '@type': 'type.googleapis.com/google.rpc.QuotaFailure' },
        { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '34s' },
      ],
    };
    expect(parseBodyRetryHint(JSON.stringify({ error }), NOW)).toBe(34);
    expect(parseBodyRetryHint(JSON.stringify([{ error }]), NOW)).toBe(34);
  });

  it('reads a delay spelled out in the message', () => {
    expect(parseMessageDelay('You have hit your usage limit. Try again in ~5 min.')).toBe(300);
    expect(parseMessageDelay('Rate limit reached for gpt-4o. Please try again in 20s.')).toBe(20);
    expect(parseMessageDelay('Please try again in 1m30s.')).toBe(90);
    expect(parseMessageDelay('Please try again in 250ms.')).toBe(1);
    expect(parseMessageDelay('rate limited, retry after 45 seconds')).toBe(45);
    expect(parseMessageDelay('Too many requests')).toBeUndefined();
    expect(parseBodyRetryHint(JSON.stringify({ error: { message: 'Please try again in 7s.' } }), NOW)).toBe(7);
    expect(parseBodyRetryHint('upstream busy, retry after 2 m', NOW)).toBe(120);
  });

  it('finds nothing in a plain error', () => {
    expect(parseBodyRetryHint(JSON.stringify({ error: { message: 'boom' } }), NOW)).toBeUndefined();
    expect(parseBodyRetryHint('{}', NOW)).toBeUndefined();
  });
});

describe('retryAfterSeconds', () => {
  it('prefers retry-after-ms, then Retry-After, then the body, then the reset headers', () => {
    const body = JSON.stringify({ error: { message: 'Please try again in 20s.' } });
    const resets = { 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '50s' };
    expect(retryAfterSeconds(429, { 'retry-after-ms': '3000', 'retry-after': '9', ...resets }, body, NOW)).toBe(3);
    expect(retryAfterSeconds(429, { 'retry-after': '9', ...resets }, body, NOW)).toBe(9);
    expect(retryAfterSeconds(429, resets, body, NOW)).toBe(20);
    expect(retryAfterSeconds(429, resets, '{}', NOW)).toBe(50);
  });

  it('reads the reset headers only on a 429 (providers send them with every answer)', () => {
    const resets = { 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '50s' };
    expect(retryAfterSeconds(500, resets, '{}', NOW)).toBeUndefined();
    expect(retryAfterSeconds(503, { 'retry-after': '7' }, '{}', NOW)).toBe(7);
  });
});
