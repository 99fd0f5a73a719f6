import { ScriptedUpstream, type RecordedRequest } from '@plexus/testing';
import type { Meter } from '../meter';
import type { CheckerContext, QuotaChecker } from '../quota-checker';
import { BUILT_IN_CHECKERS } from '.';
import { ClaudeCodeChecker } from './claude-code.checker';
import { CopilotChecker } from './copilot.checker';
import { DeepSeekChecker } from './deepseek.checker';
import { MiniMaxChecker } from './minimax.checker';
import { MoonshotChecker } from './moonshot.checker';
import { NagaChecker } from './naga.checker';
import { NanoGptChecker } from './nanogpt.checker';
import { NovitaChecker } from './novita.checker';
import { OpenAiCodexChecker } from './openai-codex.checker';
import { OpenRouterChecker } from './openrouter.checker';
import { SyntheticChecker } from './synthetic.checker';
import { ZaiChecker } from './zai.checker';

/** Each upstream's documented answer, served on loopback; the checker must read it as these meters. */
describe('quota checkers against the upstreams documented response shapes', () => {
  let upstream: ScriptedUpstream;

  beforeAll(async () => {
    upstream = await ScriptedUpstream.start();
  });

  afterAll(() => upstream.stop());

  async function run(
    checker: QuotaChecker,
    path: string,
    body: unknown,
    options: Record<string, unknown> = {},
    apiKey: string | null = 'sk-secret',
  ): Promise<{ meters: Meter[]; request: RecordedRequest }> {
    upstream.requests.length = 0;
    upstream.script(() => ({ kind: 'json', body }));
    const context: CheckerContext = {
      options: { endpoint: `${upstream.url}${path}`, ...options },
      apiKey,
      signal: AbortSignal.timeout(10_000),
    };
    const meters = await checker.check(context);
    const request = upstream.requests[0];
    if (!request) throw new Error('the checker called nothing');
    return { meters, request };
  }

  it('has one checker per reference type, uniquely named', () => {
    const types = BUILT_IN_CHECKERS.map((checker) => checker.type);
    expect(types).toEqual([
      'openrouter',
      'deepseek',
      'moonshot',
      'novita',
      'zai',
      'nanogpt',
      'naga',
      'synthetic',
      'minimax',
      'claude-code',
      'openai-codex',
      'copilot',
    ]);
  });

  it('openrouter: credits minus usage is the balance', async () => {
    const { meters, request } = await run(new OpenRouterChecker(), '/api/v1/credits', {
      data: { total_credits: 50, total_usage: 42.5 },
    });
    expect(request.headers.authorization).toBe('Bearer sk-secret');
    expect(meters).toEqual([
      expect.objectContaining({
        key: 'balance',
        kind: 'balance',
        unit: 'usd',
        limit: 50,
        used: 42.5,
        remaining: 7.5,
        utilizationPercent: 85,
        status: 'warning',
      }),
    ]);
  });

  it('deepseek: one balance per currency, zero when the account is unavailable', async () => {
    const body = {
      is_available: true,
      balance_infos: [
        { currency: 'CNY', total_balance: '110.00', granted_balance: '10.00', topped_up_balance: '100.00' },
        { currency: 'USD', total_balance: '0.00', granted_balance: '0', topped_up_balance: '0' },
      ],
    };
    const { meters } = await run(new DeepSeekChecker(), '/user/balance', body);
    expect(meters.map((meter) => [meter.key, meter.unit, meter.remaining, meter.status])).toEqual([
      ['cny_balance', 'cny', 110, 'ok'],
      ['usd_balance', 'usd', 0, 'exhausted'],
    ]);
    const unavailable = await run(new DeepSeekChecker(), '/user/balance', { ...body, is_available: false });
    expect(unavailable.meters[0]).toMatchObject({ remaining: 0, status: 'exhausted' });
  });

  it('moonshot: available balance; an error code fails the check', async () => {
    const { meters } = await run(new MoonshotChecker(), '/v1/users/me/balance', {
      code: 0,
      data: { available_balance: 49.58, voucher_balance: 46.58, cash_balance: 3 },
      scode: '0x0',
      status: true,
    });
    expect(meters).toEqual([
      expect.objectContaining({
        key: 'balance',
        kind: 'balance',
        remaining: 49.58,
        utilizationPercent: 'not_applicable',
        status: 'ok',
      }),
    ]);
    await expect(
      run(new MoonshotChecker(), '/v1/users/me/balance', { code: 5, scode: '0x5', status: false }),
    ).rejects.toThrow('code 5');
  });

  it('novita: availableBalance is in units of 0.0001 USD', async () => {
    const { meters } = await run(new NovitaChecker(), '/openapi/v1/billing/balance/detail', {
      availableBalance: '123400',
      cashBalance: '123400',
      creditLimit: '0',
      pendingCharges: '0',
      outstandingInvoices: '0',
    });
    expect(meters[0]).toMatchObject({ key: 'balance', unit: 'usd', remaining: 12.34 });
  });

  it('zai: the 5-hour token window as a percentage and the monthly MCP allowance', async () => {
    const reset = Date.UTC(2030, 0, 1, 5);
    const body = {
      code: 200,
      msg: 'Operation successful',
      success: true,
      data: {
        limits: [
          { type: 'TOKENS_LIMIT', unit: 3, number: 5, percentage: 42, nextResetTime: reset },
          {
            type: 'TIME_LIMIT',
            unit: 5,
            number: 1,
            usage: 1000,
            currentValue: 250,
            remaining: 750,
            percentage: 25,
            nextResetTime: reset,
            usageDetails: [{ modelCode: 'search-prime', usage: 250 }],
          },
        ],
        level: 'pro',
      },
    };
    const { meters, request } = await run(new ZaiChecker(), '/api/monitor/usage/quota/limit', body);
    expect(request.headers.authorization).toBe('Bearer sk-secret');
    expect(meters).toEqual([
      expect.objectContaining({
        key: 'five_hour',
        unit: 'percentage',
        utilizationPercent: 42,
        periodValue: 5,
        periodUnit: 'hour',
        resetsAt: new Date(reset).toISOString(),
      }),
      expect.objectContaining({
        key: 'monthly_mcp',
        unit: 'requests',
        limit: 1000,
        used: 250,
        remaining: 750,
        utilizationPercent: 25,
        periodUnit: 'month',
      }),
    ]);
    await expect(
      run(new ZaiChecker(), '/api/monitor/usage/quota/limit', {
        code: 1001,
        msg: 'Authorization failed',
        success: false,
      }),
    ).rejects.toThrow('Authorization failed');
  });

  it('nanogpt: daily and monthly subscription windows with their resets', async () => {
    const body = {
      active: true,
      limits: { daily: 5000, monthly: 60000 },
      enforceDailyLimit: true,
      daily: { used: 5000, remaining: 0, percentUsed: 1, resetAt: 1893456000000 },
      monthly: { used: 12000, remaining: 48000, percentUsed: 0.2, resetAt: 1894000000000 },
      period: { currentPeriodEnd: '2030-01-08T00:00:00.000Z' },
      state: 'active',
      graceUntil: null,
    };
    const { meters, request } = await run(new NanoGptChecker(), '/api/subscription/v1/usage', body);
    expect(request.headers['x-api-key']).toBe('sk-secret');
    expect(meters).toEqual([
      expect.objectContaining({
        key: 'daily',
        limit: 5000,
        used: 5000,
        remaining: 0,
        utilizationPercent: 100,
        status: 'exhausted',
        resetsAt: new Date(1893456000000).toISOString(),
      }),
      expect.objectContaining({
        key: 'monthly',
        limit: 60000,
        used: 12000,
        utilizationPercent: 20,
        status: 'ok',
        periodUnit: 'month',
      }),
    ]);
  });

  it('naga: the balance, with a limit when options.max is set; a provisioning key wins', async () => {
    const { meters, request } = await run(
      new NagaChecker(),
      '/v1/account/balance',
      { balance: '7.5' },
      { max: 10, provisioningKey: 'prov-key-123' },
    );
    expect(request.headers.authorization).toBe('Bearer prov-key-123');
    expect(meters[0]).toMatchObject({ key: 'balance', remaining: 7.5, limit: 10, used: 2.5, utilizationPercent: 25 });
  });

  it('synthetic: subscription, rolling 5-hour, weekly credits and search windows', async () => {
    const body = {
      subscription: { limit: 1350, requests: 1350, renewsAt: '2030-01-01T05:00:00.000Z' },
      rollingFiveHourLimit: {
        nextTickAt: '2030-01-01T01:00:00.000Z',
        tickPercent: 0.05,
        remaining: 400,
        max: 500,
        limited: false,
      },
      weeklyTokenLimit: {
        nextRegenAt: '2030-01-03T00:00:00.000Z',
        percentRemaining: 50,
        maxCredits: '$20.00',
        remainingCredits: '$10.00',
        nextRegenCredits: '$2.00',
      },
      search: { hourly: { limit: 250, requests: 10, renewsAt: '2030-01-01T01:00:00.000Z' } },
    };
    const { meters } = await run(new SyntheticChecker(), '/v2/quotas', body);
    expect(meters.map((meter) => [meter.key, meter.limit, meter.used, meter.utilizationPercent, meter.status])).toEqual(
      [
        ['subscription', 1350, 1350, 100, 'exhausted'],
        ['rolling_5h', 500, 100, 20, 'ok'],
        ['weekly_credits', 20, 10, 50, 'ok'],
        ['search_hourly', 250, 10, 4, 'ok'],
      ],
    );
  });

  it('minimax: the available amount, with the group id and the console cookie', async () => {
    const body = {
      available_amount: '25.00',
      cash_balance: '20.00',
      voucher_balance: '5.00',
      credit_balance: '0.00',
      owed_amount: '0.00',
      balance_alert_switch: false,
      balance_alert_threshold: '0',
      base_resp: { status_code: 0, status_msg: 'success' },
    };
    const { meters, request } = await run(new MiniMaxChecker(), '/account/query_balance', body, {
      groupid: '1900001',
      token: 'console-session-token',
    });
    expect(request.path).toBe('/account/query_balance?GroupId=1900001');
    expect(request.headers.cookie).toBe('_token=console-session-token');
    expect(meters[0]).toMatchObject({ key: 'balance', remaining: 25, status: 'ok' });
    await expect(
      run(
        new MiniMaxChecker(),
        '/account/query_balance',
        { base_resp: { status_code: 1004, status_msg: 'login required' } },
        { groupid: '1' },
      ),
    ).rejects.toThrow('login required');
  });

  it('claude-code: 5-hour and weekly windows (and model-scoped weekly ones) from the OAuth usage API', async () => {
    const body = {
      five_hour: { utilization: 37, resets_at: '2030-01-01T03:00:00.123456+00:00' },
      seven_day: { utilization: 99.5, resets_at: '2030-01-05T00:00:00+00:00' },
      seven_day_oauth_apps: null,
      seven_day_opus: { utilization: 0, resets_at: null },
      extra_usage: { is_enabled: false, monthly_limit: null, used_credits: null, utilization: null },
    };
    const { meters, request } = await run(new ClaudeCodeChecker(), '/api/oauth/usage', body, {}, 'sk-ant-oat01-token');
    expect(request.headers.authorization).toBe('Bearer sk-ant-oat01-token');
    expect(request.headers['anthropic-beta']).toBe('oauth-2025-04-20');
    expect(meters.map((meter) => [meter.key, meter.utilizationPercent, meter.status, meter.resetsAt])).toEqual([
      ['five_hour', 37, 'ok', '2030-01-01T03:00:00.123Z'],
      ['weekly', 99.5, 'critical', '2030-01-05T00:00:00.000Z'],
      ['weekly_opus', 0, 'ok', null],
    ]);
  });

  it('openai-codex: primary and secondary windows; limit_reached means exhausted; the account id comes from the token', async () => {
    const claims = Buffer.from(
      JSON.stringify({ 'https://api.openai.com/auth': { chatgpt_account_id: 'acct-42' } }),
    ).toString('base64url');
    const token = `header.${claims}.signature`;
    const body = {
      plan_type: 'plus',
      rate_limit: {
        allowed: true,
        limit_reached: false,
        primary_window: {
          used_percent: 12,
          limit_window_seconds: 18000,
          reset_after_seconds: 3600,
          reset_at: 1893459600,
        },
        secondary_window: {
          used_percent: 64,
          limit_window_seconds: 604800,
          reset_after_seconds: 86400,
          reset_at: 1893542400,
        },
      },
    };
    const { meters, request } = await run(
      new OpenAiCodexChecker(),
      '/backend-api/wham/usage',
      body,
      {},
      JSON.stringify({ access_token: token }),
    );
    expect(request.headers.authorization).toBe(`Bearer ${token}`);
    expect(request.headers['chatgpt-account-id']).toBe('acct-42');
    expect(meters).toEqual([
      expect.objectContaining({
        key: 'five_hour',
        utilizationPercent: 12,
        periodValue: 5,
        periodUnit: 'hour',
        resetsAt: new Date(1893459600 * 1000).toISOString(),
      }),
      expect.objectContaining({ key: 'weekly', utilizationPercent: 64, periodValue: 7, periodUnit: 'day' }),
    ]);
    const reached = await run(new OpenAiCodexChecker(), '/backend-api/wham/usage', {
      rate_limit: { allowed: false, limit_reached: true, primary_window: { used_percent: 80 } },
    });
    expect(reached.meters[0]).toMatchObject({ utilizationPercent: 100, status: 'exhausted' });
  });

  it('copilot: premium interactions per month; unlimited snapshots are left out', async () => {
    const body = {
      login: 'octocat',
      copilot_plan: 'individual',
      quota_reset_date_utc: '2030-02-01T00:00:00.000Z',
      quota_snapshots: {
        chat: { entitlement: 0, remaining: 0, percent_remaining: 100, unlimited: true, overage_permitted: false },
        completions: {
          entitlement: 0,
          remaining: 0,
          percent_remaining: 100,
          unlimited: true,
          overage_permitted: false,
        },
        premium_interactions: {
          entitlement: 300,
          remaining: 60,
          percent_remaining: 20,
          unlimited: false,
          overage_permitted: false,
        },
      },
    };
    const { meters, request } = await run(new CopilotChecker(), '/copilot_internal/user', body, {}, 'ghu_token');
    expect(request.headers.authorization).toBe('token ghu_token');
    expect(meters).toEqual([
      expect.objectContaining({
        key: 'premium_interactions',
        limit: 300,
        remaining: 60,
        used: 240,
        utilizationPercent: 80,
        status: 'warning',
        resetsAt: '2030-02-01T00:00:00.000Z',
      }),
    ]);
  });

  it('an HTTP error fails the check with the status and a short excerpt of the body', async () => {
    upstream.script(() => ({ kind: 'json', status: 401, body: { error: { message: 'invalid key' } } }));
    const context: CheckerContext = {
      options: { endpoint: `${upstream.url}/api/v1/credits` },
      apiKey: 'sk-x',
      signal: AbortSignal.timeout(10_000),
    };
    await expect(new OpenRouterChecker().check(context)).rejects.toThrow(/HTTP 401.*invalid key/);
  });

  it('no credential is a clear error, before any upstream call', async () => {
    upstream.requests.length = 0;
    const context: CheckerContext = {
      options: { endpoint: `${upstream.url}/x` },
      apiKey: null,
      signal: AbortSignal.timeout(10_000),
    };
    await expect(new ClaudeCodeChecker().check(context)).rejects.toThrow(/No credential/);
    expect(upstream.requests).toHaveLength(0);
  });
});
