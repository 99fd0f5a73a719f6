import { Logger } from '@nestjs/common';
import { FAILURE_MEMORY_MS, QUOTA_PHRASES, backoffMs, cooldownMs, triggersCooldown } from './cooldown-policy';
import { MemoryCooldownRepository, cooldownFixture, provider, type CooldownFixture } from './cooldown-test-helpers';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const MINUTE = 60_000;
const DEFAULTS = { initialMinutes: 2, maxMinutes: 300 };

Logger.overrideLogger(false);

describe('the cooldown schedule', () => {
  it('doubles from initialMinutes on each consecutive failure and caps at maxMinutes (2, 4, 8 … 256, 300)', () => {
    const minutes = Array.from({ length: 11 }, (_, index) => backoffMs(index + 1, DEFAULTS) / MINUTE);
    expect(minutes).toEqual([2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300]);
  });

  it('allows fractional minutes', () => {
    expect(backoffMs(1, { initialMinutes: 0.1, maxMinutes: 1 })).toBe(6000);
    expect(backoffMs(3, { initialMinutes: 0.1, maxMinutes: 1 })).toBe(24_000);
    expect(backoffMs(5, { initialMinutes: 0.1, maxMinutes: 1 })).toBe(60_000);
  });

  it('treats a count below 1 as the first failure and never overflows', () => {
    expect(backoffMs(0, DEFAULTS)).toBe(2 * MINUTE);
    expect(backoffMs(5000, DEFAULTS)).toBe(300 * MINUTE);
  });

  it('uses Retry-After instead of the backoff when the upstream sent one, capped at maxMinutes', () => {
    expect(cooldownMs(1, DEFAULTS, 30)).toBe(30_000);
    expect(cooldownMs(7, DEFAULTS, 30)).toBe(30_000);
    expect(cooldownMs(1, DEFAULTS, 0)).toBe(0);
    expect(cooldownMs(1, { initialMinutes: 1, maxMinutes: 5 }, 3600)).toBe(5 * MINUTE);
    expect(cooldownMs(3, DEFAULTS, undefined)).toBe(8 * MINUTE);
    expect(cooldownMs(3, DEFAULTS, Number.NaN)).toBe(8 * MINUTE);
  });
});

describe('what triggers a cooldown', () => {
  it.each([401, 402, 403, 404, 408, 429, 500, 502, 503, 504, 529])('an upstream %i', (status) => {
    expect(triggersCooldown(status, 'x')).toBe(true);
  });

  it('transport failures and timeouts (no status)', () => {
    expect(triggersCooldown(null)).toBe(true);
    expect(triggersCooldown(undefined, 'p/m unreachable (ECONNREFUSED)')).toBe(true);
  });

  it.each([413, 422])('never an upstream %i', (status) => {
    expect(triggersCooldown(status, 'insufficient_quota')).toBe(false);
  });

  it('never a 400 without a quota phrase', () => {
    expect(triggersCooldown(400, 'p/m returned 400: bad temperature')).toBe(false);
    expect(triggersCooldown(400)).toBe(false);
  });

  it.each(QUOTA_PHRASES)('a 400 saying "%s" (any case)', (phrase) => {
    expect(triggersCooldown(400, `p/m returned 400: ${phrase.toUpperCase()} on this account`)).toBe(true);
  });

  it('never a "deadline expired/exceeded" answer, nor a non-error status', () => {
    expect(triggersCooldown(504, 'Deadline exceeded')).toBe(false);
    expect(triggersCooldown(null, 'deadline expired before operation could complete')).toBe(false);
    expect(triggersCooldown(200)).toBe(false);
    expect(triggersCooldown(302)).toBe(false);
  });
});

describe('CooldownService', () => {
  let fixture: CooldownFixture;

  beforeEach(async () => {
    fixture = await cooldownFixture({
      providers: [
        provider('p'),
        provider('q'),
        provider('never', { disable_cooldown: true }),
        provider('stally', { stall_cooldown: true }),
      ],
    });
  });

  const fail = (
    model = 'm',
    extra: { status?: number | null; retryAfterSeconds?: number; reason?: string; afterFirstByte?: boolean } = {},
    now = T0,
  ) =>
    fixture.service.recordFailure(
      { provider: 'p', model, status: 503, reason: 'p/m returned 503: overloaded', ...extra },
      now,
    );

  it('cools a target down for initialMinutes on its first failure, with the reason', () => {
    const entry = fail();
    expect(entry).toMatchObject({
      provider: 'p',
      model: 'm',
      consecutiveFailures: 1,
      expiresAt: T0 + 2 * MINUTE,
      lastError: 'p/m returned 503: overloaded',
    });
    expect(fixture.service.isCoolingDown('p', 'm', T0)).toBe(true);
    expect(fixture.service.isCoolingDown('p', 'm', T0 + 2 * MINUTE - 1)).toBe(true);
    expect(fixture.service.isCoolingDown('p', 'm', T0 + 2 * MINUTE)).toBe(false);
    expect(fixture.service.isCoolingDown('p', 'other', T0)).toBe(false);
    expect(fixture.service.isCoolingDown('q', 'm', T0)).toBe(false);
  });

  it('escalates on each failure after the previous cooldown ended: expiry keeps the count', () => {
    let now = T0;
    const durations: number[] = [];
    for (let n = 0; n < 10; n++) {
      const entry = fail('m', {}, now);
      durations.push((entry!.expiresAt - now) / MINUTE);
      now = entry!.expiresAt + 1000;
    }
    expect(durations).toEqual([2, 4, 8, 16, 32, 64, 128, 256, 300, 300]);
    expect(fixture.service.list(now - 2000)[0]?.consecutiveFailures).toBe(10);
  });

  it('reads the schedule from the settings in force', () => {
    fixture.settings.update({ cooldown: { initialMinutes: 0.5, maxMinutes: 1 } });
    expect(fail('m', {}, T0)!.expiresAt).toBe(T0 + 30_000);
    expect(fail('m', {}, T0 + 30_000)!.expiresAt).toBe(T0 + 30_000 + 60_000);
    expect(fail('m', {}, T0 + 90_000)!.expiresAt).toBe(T0 + 90_000 + 60_000);
  });

  it('honours Retry-After and marks the failure once (the count goes up by one, not two)', () => {
    const entry = fail('m', { status: 429, retryAfterSeconds: 30 });
    expect(entry).toMatchObject({ consecutiveFailures: 1, expiresAt: T0 + 30_000 });
    expect(fixture.service.list(T0)).toEqual([
      {
        provider: 'p',
        model: 'm',
        expiry: T0 + 30_000,
        timeRemainingMs: 30_000,
        consecutiveFailures: 1,
        lastError: 'p/m returned 503: overloaded',
      },
    ]);
    const next = fail('m', { status: 429 }, T0 + 31_000);
    expect(next).toMatchObject({ consecutiveFailures: 2, expiresAt: T0 + 31_000 + 4 * MINUTE });
  });

  it('does not escalate on failures of requests that were in flight while the target was already cooling', () => {
    fail('m', {}, T0);
    const again = fail('m', {}, T0 + 1000);
    expect(again).toMatchObject({ consecutiveFailures: 1, expiresAt: T0 + 2 * MINUTE });
    // ...but a later Retry-After extends the cooldown.
    expect(fail('m', { retryAfterSeconds: 600 }, T0 + 2000)).toMatchObject({
      consecutiveFailures: 1,
      expiresAt: T0 + 2000 + 600_000,
    });
    expect(fail('m', { retryAfterSeconds: 1 }, T0 + 3000)?.expiresAt).toBe(T0 + 2000 + 600_000);
  });

  it('forgets the count when the last cooldown ended more than a day ago', () => {
    const first = fail('m', {}, T0)!;
    expect(fail('m', {}, first.expiresAt + FAILURE_MEMORY_MS - 1)?.consecutiveFailures).toBe(2);
    const second = fixture.service.list(first.expiresAt + FAILURE_MEMORY_MS)[0];
    expect(fail('m', {}, second.expiry + FAILURE_MEMORY_MS)?.consecutiveFailures).toBe(1);
  });

  it('deletes the entry on success, so the next failure starts over', () => {
    fail('m', {}, T0);
    fail('m', {}, T0 + 3 * MINUTE);
    fixture.service.recordSuccess('p', 'm', T0 + 10 * MINUTE);
    expect(fixture.service.list(T0)).toEqual([]);
    expect(fixture.service.isCoolingDown('p', 'm', T0 + 4 * MINUTE)).toBe(false);
    expect(fail('m', {}, T0 + 11 * MINUTE)?.consecutiveFailures).toBe(1);
  });

  it.each([
    ['a 413', { status: 413 }],
    ['a 422', { status: 422 }],
    ['a 400 without a quota phrase', { status: 400, reason: 'p/m returned 400: bad temperature' }],
  ])('does not cool down on %s', (_label, extra) => {
    expect(fail('m', extra)).toBeNull();
    expect(fixture.service.isCoolingDown('p', 'm', T0)).toBe(false);
    expect(fixture.service.list(T0)).toEqual([]);
  });

  it('cools down on a 400 about quota, and on transport failures', () => {
    expect(fail('a', { status: 400, reason: 'p/a returned 400: Your credit balance is too low' })).not.toBeNull();
    expect(fail('b', { status: null, reason: 'p/b unreachable (ECONNREFUSED)' })).not.toBeNull();
    expect(fixture.service.list(T0).map((entry) => entry.model)).toEqual(['a', 'b']);
  });

  it('never cools a provider with disable_cooldown, and hides its entries', async () => {
    expect(fixture.service.recordFailure({ provider: 'never', model: 'm', status: 503 }, T0)).toBeNull();
    expect(fixture.service.isCoolingDown('never', 'm', T0)).toBe(false);

    // An entry stored before the provider turned disable_cooldown on is ignored and hidden.
    const repository = new MemoryCooldownRepository();
    await repository.upsert({
      provider: 'never',
      model: 'm',
      expiresAt: new Date(T0 + MINUTE),
      consecutiveFailures: 1,
      lastError: null,
      updatedAt: new Date(T0),
    });
    const loaded = await cooldownFixture({ repository, providers: [provider('never', { disable_cooldown: true })] });
    await loaded.service.load(T0);
    expect(loaded.service.isCoolingDown('never', 'm', T0)).toBe(false);
    expect(loaded.service.list(T0)).toEqual([]);
  });

  it('cools down on a failure after the first byte (a stall) only for providers with stall_cooldown', () => {
    expect(fail('m', { status: null, afterFirstByte: true })).toBeNull();
    expect(
      fixture.service.recordFailure({ provider: 'stally', model: 'm', status: null, afterFirstByte: true }, T0),
    ).not.toBeNull();
    expect(fixture.service.isCoolingDown('stally', 'm', T0)).toBe(true);
  });

  it('cools down on a stall before the first byte only for providers with stall_cooldown, or everywhere with stall.stallCooldown', () => {
    expect(fixture.service.recordFailure({ provider: 'p', model: 'm', status: null, stall: true }, T0)).toBeNull();
    expect(
      fixture.service.recordFailure({ provider: 'stally', model: 'm', status: null, stall: true }, T0),
    ).not.toBeNull();
    fixture.settings.update({ stall: { ...fixture.settings.current.stall, stallCooldown: true } });
    expect(fixture.service.recordFailure({ provider: 'p', model: 'm', status: null, stall: true }, T0)).not.toBeNull();
    expect(
      fixture.service.recordFailure({ provider: 'q', model: 'm', status: null, afterFirstByte: true }, T0),
    ).not.toBeNull();
  });

  it('skips every model of a provider under a provider-wide cooldown (model "")', () => {
    fixture.service.recordFailure({ provider: 'p', model: '', status: 429, retryAfterSeconds: 60 }, T0);
    expect(fixture.service.isCoolingDown('p', 'any-model', T0)).toBe(true);
    expect(fixture.service.coolingUntil('p', 'any-model', T0)).toBe(T0 + 60_000);
    fail('m', { retryAfterSeconds: 120 }, T0);
    expect(fixture.service.coolingUntil('p', 'm', T0)).toBe(T0 + 120_000);
    // A success on one model does not lift the provider-wide cooldown.
    fixture.service.recordSuccess('p', 'other', T0);
    expect(fixture.service.isCoolingDown('p', 'other', T0)).toBe(true);
  });

  it('lists only active cooldowns, sorted, with the time remaining', () => {
    fixture.service.recordFailure({ provider: 'q', model: 'z', status: 500 }, T0);
    fail('b', {}, T0);
    fail('a', { retryAfterSeconds: 10 }, T0);
    expect(
      fixture.service.list(T0 + 5000).map((entry) => [entry.provider, entry.model, entry.timeRemainingMs]),
    ).toEqual([
      ['p', 'a', 5000],
      ['p', 'b', 2 * MINUTE - 5000],
      ['q', 'z', 2 * MINUTE - 5000],
    ]);
    expect(fixture.service.list(T0 + 10_000).map((entry) => entry.model)).toEqual(['b', 'z']);
  });

  it('clears one provider+model, one provider, or everything, with their counts', async () => {
    fail('a', {}, T0);
    fail('b', {}, T0);
    fixture.service.recordFailure({ provider: 'p', model: '', status: 500 }, T0);
    fixture.service.recordFailure({ provider: 'q', model: 'z', status: 500 }, T0);
    await fixture.service.flush();
    expect(fixture.repository.rows.size).toBe(4);

    expect(await fixture.service.clear('p', 'a', T0)).toBe(1);
    expect(fixture.service.list(T0).map((entry) => `${entry.provider}/${entry.model}`)).toEqual(['p/', 'p/b', 'q/z']);
    expect(await fixture.service.clear('p', undefined, T0)).toBe(2);
    expect(fixture.service.list(T0).map((entry) => `${entry.provider}/${entry.model}`)).toEqual(['q/z']);
    expect([...fixture.repository.rows.keys()]).toEqual(['q/z']);
    expect(await fixture.service.clear(undefined, undefined, T0)).toBe(1);
    expect(fixture.repository.rows.size).toBe(0);
    // The count is gone too.
    expect(fail('a', {}, T0 + 1000)?.consecutiveFailures).toBe(1);
  });

  describe('persistence', () => {
    it('writes behind: recordFailure returns at once, the row follows', async () => {
      fail('m', { retryAfterSeconds: 30 }, T0);
      expect(fixture.repository.rows.size).toBe(0);
      await fixture.service.flush();
      expect(fixture.repository.rows.get('p/m')).toEqual({
        provider: 'p',
        model: 'm',
        expiresAt: new Date(T0 + 30_000),
        consecutiveFailures: 1,
        lastError: 'p/m returned 503: overloaded',
        updatedAt: new Date(T0),
      });
      fixture.service.recordSuccess('p', 'm', T0 + 1000);
      await fixture.service.flush();
      expect(fixture.repository.rows.size).toBe(0);
    });

    it('coalesces changes to one key and writes only the latest', async () => {
      let now = T0;
      for (let n = 0; n < 5; n++) now = fail('m', {}, now)!.expiresAt;
      await fixture.service.flush();
      expect(fixture.repository.writes).toBe(1);
      expect(fixture.repository.rows.get('p/m')?.consecutiveFailures).toBe(5);
    });

    it('keeps failed writes and retries them, without blocking the caller', async () => {
      fixture.repository.failWrites = true;
      fail('m', {}, T0);
      await fixture.service.flush();
      expect(fixture.service.isCoolingDown('p', 'm', T0)).toBe(true);
      expect(fixture.repository.rows.size).toBe(0);
      fixture.repository.failWrites = false;
      await fixture.service.flush();
      expect(fixture.repository.rows.get('p/m')?.consecutiveFailures).toBe(1);
      await fixture.service.beforeApplicationShutdown();
    });

    it('loads the stored state at boot, keeps expired counts and prunes rows forgotten long ago', async () => {
      fail('cooling', {}, T0);
      fail('expired', {}, T0 - 30 * MINUTE);
      fail('ancient', {}, T0 - FAILURE_MEMORY_MS - 10 * MINUTE);
      await fixture.service.flush();

      const restarted = await cooldownFixture({ repository: fixture.repository });
      await restarted.service.load(T0);
      expect(restarted.service.list(T0).map((entry) => entry.model)).toEqual(['cooling']);
      expect(restarted.service.isCoolingDown('p', 'cooling', T0 + MINUTE)).toBe(true);
      expect(
        restarted.service.recordFailure({ provider: 'p', model: 'expired', status: 500 }, T0)?.consecutiveFailures,
      ).toBe(2);
      expect(
        restarted.service.recordFailure({ provider: 'p', model: 'ancient', status: 500 }, T0)?.consecutiveFailures,
      ).toBe(1);
      expect([...fixture.repository.rows.keys()].sort()).toEqual(['p/cooling', 'p/expired']);
    });
  });
});
