import {
  GATEWAY_MAIN,
  ScriptedUpstream,
  anthropicBody,
  chatCompletionBody,
  createTestDatabase,
  responsesBody,
  startGateway,
  type GatewayProcess,
  type RecordedRequest,
  type ScriptedReply,
  type TestDatabase,
} from '@plexus/testing';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { Client } from 'pg';

type Json = Record<string, unknown>;

const ADMIN_KEY = 'oauth-e2e-admin';
const CLIENT_KEY = 'sk-oauth-e2e-client';
const KEY_ONE = 'a7'.repeat(32);
const KEY_TWO = 'b8'.repeat(32);

/** A JWT whose claims carry the ChatGPT account, as Codex's access tokens do (unsigned: only its claims are read). */
function codexAccessToken(serial: number): string {
  const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none' })}.${part({ 'https://api.openai.com/auth': { chatgpt_account_id: 'acct-e2e-42' }, serial })}.sig`;
}

/**
 * One loopback server scripted as every provider's OAuth endpoints and APIs (Anthropic,
 * OpenAI auth and ChatGPT, GitHub and Copilot): OAUTH_ENDPOINT_OVERRIDES sends their
 * origins here. The token endpoints check PKCE as the real ones do.
 */
class ScriptedProviders {
  readonly issued: string[] = [];
  readonly challenges = new Map<string, string>();
  /** Refresh tokens refused as revoked. */
  readonly revoked = new Set<string>();
  /** Access tokens the APIs answer 401 to, once each. */
  readonly expiredOnce = new Set<string>();
  private serial = 0;
  /** Anthropic `expires_in` of the next tokens issued. */
  anthropicExpiresIn = 3600;
  anthropicRefreshToken = 'rt-anthropic';

  constructor(readonly server: ScriptedUpstream) {
    server.script((request) => this.answer(request));
  }

  requests(path: string): RecordedRequest[] {
    return this.server.requests.filter((request) => request.path.split('?')[0] === path);
  }

  private token(prefix: string): string {
    const token = `${prefix}-${++this.serial}-${'x'.repeat(12)}`;
    this.issued.push(token);
    return token;
  }

  private answer(request: RecordedRequest): ScriptedReply {
    const path = request.path.split('?')[0];
    const form = typeof request.body === 'string' ? Object.fromEntries(new URLSearchParams(request.body)) : {};
    const json = (request.body ?? {}) as Json;
    const bearer = String(request.headers['authorization'] ?? '').replace(/^Bearer /, '');
    const unauthorized = (): ScriptedReply | null => {
      if (!this.expiredOnce.has(bearer)) return null;
      this.expiredOnce.delete(bearer);
      return {
        kind: 'json',
        status: 401,
        body: { type: 'error', error: { type: 'authentication_error', message: 'OAuth token has expired' } },
      };
    };
    switch (path) {
      case '/v1/oauth/token': {
        if (json['grant_type'] === 'refresh_token') {
          if (this.revoked.has(String(json['refresh_token'])))
            return {
              kind: 'json',
              status: 400,
              body: { error: 'invalid_grant', error_description: 'Refresh token revoked' },
            };
          return this.anthropicTokens();
        }
        const verifier = String(json['code_verifier']);
        const challenge = createHash('sha256').update(verifier).digest('base64url');
        if (this.challenges.get(String(json['code'])) !== challenge)
          return {
            kind: 'json',
            status: 400,
            body: { error: 'invalid_grant', error_description: 'PKCE verification failed' },
          };
        return this.anthropicTokens();
      }
      case '/oauth/token': {
        if (form['grant_type'] === 'authorization_code') {
          const challenge = createHash('sha256').update(String(form['code_verifier'])).digest('base64url');
          if (this.challenges.get(String(form['code'])) !== challenge)
            return { kind: 'json', status: 400, body: { error: 'invalid_grant' } };
        }
        const access = codexAccessToken(++this.serial);
        this.issued.push(access);
        return {
          kind: 'json',
          body: { access_token: access, refresh_token: this.token('rt-codex'), expires_in: 3600 },
        };
      }
      case '/login/device/code':
        return {
          kind: 'json',
          body: {
            device_code: 'device-e2e',
            user_code: 'WXYZ-1234',
            verification_uri: 'https://github.com/login/device',
            interval: 1,
            expires_in: 900,
          },
        };
      case '/login/oauth/access_token':
        return { kind: 'json', body: { access_token: this.token('gho'), token_type: 'bearer', scope: 'read:user' } };
      case '/copilot_internal/v2/token':
        return {
          kind: 'json',
          body: {
            token: `tid=e2e;exp=${Math.floor(Date.now() / 1000) + 1800};proxy-ep=proxy.individual.githubcopilot.com;${this.token('cop')}`,
            expires_at: Math.floor(Date.now() / 1000) + 1800,
            refresh_in: 1500,
          },
        };
      case '/api/oauth/usage':
        return {
          kind: 'json',
          body: {
            five_hour: { utilization: 42, resets_at: new Date(Date.now() + 3_600_000).toISOString() },
            seven_day: { utilization: 10, resets_at: new Date(Date.now() + 86_400_000).toISOString() },
          },
        };
      case '/models':
        return { kind: 'json', body: { data: [] } };
      case '/v1/messages':
        return (
          unauthorized() ?? {
            kind: 'json',
            body: anthropicBody({ model: 'claude-sonnet-4-5', text: 'from the subscription' }),
          }
        );
      case '/backend-api/codex/responses':
        return unauthorized() ?? { kind: 'json', body: responsesBody({ model: 'gpt-5.3-codex', text: 'from codex' }) };
      case '/chat/completions':
        return (
          unauthorized() ?? {
            kind: 'json',
            body: chatCompletionBody({ model: 'gemini-3.8-flash', content: 'from copilot' }),
          }
        );
      default:
        return { kind: 'json', status: 404, body: { error: `no script for ${path}` } };
    }
  }

  private anthropicTokens(): ScriptedReply {
    return {
      kind: 'json',
      body: {
        access_token: this.token('sk-ant-oat01'),
        refresh_token: this.anthropicRefreshToken,
        expires_in: this.anthropicExpiresIn,
      },
    };
  }
}

describe('subscription providers over OAuth (scripted authorization servers and upstreams on loopback)', () => {
  let database: TestDatabase;
  let providers: ScriptedProviders;
  let gateway: GatewayProcess;

  async function admin(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; text: string; body: Json }> {
    const response = await fetch(`${gateway.url}/v0/management${path}`, {
      method,
      headers: { 'x-admin-key': ADMIN_KEY, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, text, body: text ? (JSON.parse(text) as Json) : {} };
  }

  async function sessionUntil(id: string, statuses: string[]): Promise<Json> {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const session = (await admin('GET', `/oauth/sessions/${id}`)).body['data'] as Json;
      if (statuses.includes(String(session['status']))) return session;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`session ${id} never reached ${statuses.join('/')}`);
  }

  /** The user's browser: signs in at the authorization URL, which yields a code bound to its PKCE challenge. */
  function signIn(authUrl: string): { code: string; state: string; redirectUri: string } {
    const url = new URL(authUrl);
    const code = `code-${Math.random().toString(36).slice(2)}`;
    providers.challenges.set(code, url.searchParams.get('code_challenge') ?? '');
    return {
      code,
      state: url.searchParams.get('state') ?? '',
      redirectUri: url.searchParams.get('redirect_uri') ?? '',
    };
  }

  async function loginAnthropic(accountId: string): Promise<void> {
    const started = await admin('POST', '/oauth/sessions', { providerId: 'anthropic', accountId });
    expect(started.status).toBe(200);
    const session = await sessionUntil(String((started.body['data'] as Json)['id']), ['awaiting_manual_code']);
    const { code, state } = signIn(String((session['authInfo'] as Json)['url']));
    const pasted = await admin('POST', `/oauth/sessions/${String(session['id'])}/manual-code`, {
      value: `${code}#${state}`,
    });
    expect(pasted.status).toBe(200);
    expect((await sessionUntil(String(session['id']), ['success', 'error']))['status']).toBe('success');
  }

  async function messages(model: string): Promise<{ status: number; body: Json }> {
    const response = await fetch(`${gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': CLIENT_KEY, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model, max_tokens: 64, system: 'Be brief.', messages: [{ role: 'user', content: 'hi' }] }),
    });
    return { status: response.status, body: (await response.json()) as Json };
  }

  async function oauthProvider(
    slug: string,
    oauthProviderId: string,
    account: string,
    models: string[],
  ): Promise<void> {
    const created = await admin('PUT', `/providers/${slug}`, {
      api_base_url: 'oauth://',
      oauth_provider: oauthProviderId,
      oauth_account: account,
      models,
    });
    expect(created.status).toBeLessThan(300);
  }

  async function databaseDump(): Promise<string> {
    const db = new Client({ connectionString: database.url });
    await db.connect();
    try {
      const rows = await db.query<{ row: string }>(`SELECT row_to_json(c)::text AS row FROM oauth_credentials c`);
      return rows.rows.map((row) => row.row).join('\n');
    } finally {
      await db.end();
    }
  }

  const startWith = async (key: string): Promise<void> => {
    const origin = providers.server.url;
    gateway = await startGateway({
      ADMIN_KEY,
      DATABASE_URL: database.url,
      ENCRYPTION_KEY: key,
      LOG_LEVEL: 'debug',
      OAUTH_ENDPOINT_OVERRIDES: JSON.stringify(
        Object.fromEntries(
          [
            'https://platform.claude.com',
            'https://claude.ai',
            'https://api.anthropic.com',
            'https://auth.openai.com',
            'https://chatgpt.com',
            'https://github.com',
            'https://api.github.com',
            'https://api.individual.githubcopilot.com',
          ].map((from) => [from, origin]),
        ),
      ),
    });
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    providers = new ScriptedProviders(await ScriptedUpstream.start());
    await startWith(KEY_ONE);
    expect((await admin('PUT', '/keys/client', { secret: CLIENT_KEY })).status).toBeLessThan(300);
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    await providers?.server.stop();
    await database?.drop();
  });

  it('lists the OAuth providers and the pi-ai catalog', async () => {
    const listed = (await admin('GET', '/oauth/providers')).body;
    const ids = (listed['data'] as Json[]).map((provider) => provider['id']);
    expect(ids).toEqual(expect.arrayContaining(['anthropic', 'openai-codex', 'github-copilot']));
    expect(
      (listed['data'] as Json[]).find((provider) => provider['id'] === 'openai-codex')?.['usesCallbackServer'],
    ).toBe(true);
    const models = (await admin('GET', '/oauth/models?providerId=anthropic')).body['data'] as Json[];
    expect(models.length).toBeGreaterThan(0);
    expect(models[0]).toEqual(expect.objectContaining({ id: expect.any(String), context_length: expect.any(Number) }));
    expect((await admin('GET', '/pi/providers')).body['data']).toEqual(expect.arrayContaining(['anthropic', 'openai']));
    expect((await admin('GET', '/pi/models?provider=nope')).status).toBe(400);
    expect((await admin('POST', '/oauth/sessions', { providerId: 'nope', accountId: 'x' })).status).toBe(400);
  });

  it('Anthropic: PKCE with the pasted code; an oauth:// request reaches the upstream with the token and Claude Code shape', async () => {
    await loginAnthropic('work');
    const credentials = await admin('GET', '/oauth/credentials');
    expect(credentials.body['data']).toEqual([
      expect.objectContaining({ providerId: 'anthropic', accountId: 'work', status: 'ready', lastError: null }),
    ]);
    expect((await admin('GET', '/oauth/credentials/status?providerId=anthropic&accountId=work')).body).toEqual({
      data: { ready: true },
    });

    await oauthProvider('claude-work', 'anthropic', 'work', ['claude-sonnet-4-5']);
    const answer = await messages('direct/claude-work/claude-sonnet-4-5');
    expect(answer.status).toBe(200);
    const sent = providers.requests('/v1/messages').at(-1)!;
    expect(sent.headers['authorization']).toBe(
      `Bearer ${providers.issued.filter((t) => t.startsWith('sk-ant')).at(-1)}`,
    );
    expect(sent.headers['x-api-key']).toBeUndefined();
    expect(String(sent.headers['anthropic-beta'])).toContain('oauth-2025-04-20');
    expect(sent.headers['user-agent']).toMatch(/^claude-cli\//);
    const system = (sent.body as Json)['system'] as Json[];
    expect(system[0]).toEqual({ type: 'text', text: "You are Claude Code, Anthropic's official CLI for Claude." });
    expect(system[1]).toEqual(expect.objectContaining({ text: 'Be brief.' }));
  });

  it('refreshes on a 401 from the upstream and the request then succeeds', async () => {
    const current = providers.issued.filter((t) => t.startsWith('sk-ant')).at(-1)!;
    providers.expiredOnce.add(current);
    const refreshesBefore = providers.requests('/v1/oauth/token').length;
    const answer = await messages('direct/claude-work/claude-sonnet-4-5');
    expect(answer.status).toBe(200);
    expect(providers.requests('/v1/oauth/token').length).toBe(refreshesBefore + 1);
    const fresh = providers.issued.filter((t) => t.startsWith('sk-ant')).at(-1)!;
    expect(fresh).not.toBe(current);
    expect(providers.requests('/v1/messages').at(-1)!.headers['authorization']).toBe(`Bearer ${fresh}`);
  });

  it('refreshes ahead of expiry, once for two concurrent requests', async () => {
    providers.anthropicExpiresIn = 320; // pi-ai keeps 5 minutes of margin: this token is due at once
    await loginAnthropic('soon');
    providers.anthropicExpiresIn = 3600;
    await oauthProvider('claude-soon', 'anthropic', 'soon', ['claude-sonnet-4-5']);
    const before = providers.requests('/v1/oauth/token').length;
    const answers = await Promise.all([
      messages('direct/claude-soon/claude-sonnet-4-5'),
      messages('direct/claude-soon/claude-sonnet-4-5'),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    const refreshes = providers.requests('/v1/oauth/token').slice(before);
    expect(refreshes.map((request) => (request.body as Json)['grant_type'])).toEqual(['refresh_token']);
    const fresh = providers.issued.filter((t) => t.startsWith('sk-ant')).at(-1)!;
    for (const sent of providers.requests('/v1/messages').slice(-2))
      expect(sent.headers['authorization']).toBe(`Bearer ${fresh}`);
  });

  it('a refused refresh marks the account needs_login, and routing moves on to the next account', async () => {
    providers.anthropicExpiresIn = 320;
    providers.anthropicRefreshToken = 'rt-revoked';
    await loginAnthropic('revoked');
    providers.anthropicExpiresIn = 3600;
    providers.anthropicRefreshToken = 'rt-anthropic';
    providers.revoked.add('rt-revoked');
    await oauthProvider('claude-revoked', 'anthropic', 'revoked', ['claude-sonnet-4-5']);
    expect(
      (
        await admin('PUT', '/aliases/claude', {
          target_groups: [
            {
              name: 'main',
              selector: 'in_order',
              targets: [
                { provider: 'claude-revoked', model: 'claude-sonnet-4-5' },
                { provider: 'claude-work', model: 'claude-sonnet-4-5' },
              ],
            },
          ],
        })
      ).status,
    ).toBeLessThan(300);
    const answer = await messages('claude');
    expect(answer.status).toBe(200);
    const revoked = ((await admin('GET', '/oauth/credentials')).body['data'] as Json[]).find(
      (credential) => credential['accountId'] === 'revoked',
    );
    expect(revoked).toEqual(
      expect.objectContaining({ status: 'needs_login', lastError: expect.stringContaining('400') }),
    );
    const refreshes = providers.requests('/v1/oauth/token').length;
    expect((await messages('claude')).status).toBe(200);
    // Not retried in a loop: the account waits for a new login.
    expect(providers.requests('/v1/oauth/token').length).toBe(refreshes);
  });

  it('OpenAI Codex: PKCE with the callback; requests go to the Codex endpoint with chatgpt-account-id', async () => {
    const started = await admin('POST', '/oauth/sessions', { providerId: 'openai-codex', accountId: 'main' });
    const id = String((started.body['data'] as Json)['id']);
    const session = await sessionUntil(id, ['awaiting_manual_code']);
    const { code, state, redirectUri } = signIn(String((session['authInfo'] as Json)['url']));
    const callback = await fetch(`${redirectUri.replace('localhost', '127.0.0.1')}?code=${code}&state=${state}`);
    expect(callback.status).toBeLessThan(400);
    expect((await sessionUntil(id, ['success', 'error']))['status']).toBe('success');

    await oauthProvider('codex-main', 'openai-codex', 'main', ['gpt-5.3-codex']);
    const response = await fetch(`${gateway.url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'direct/codex-main/gpt-5.3-codex', input: 'hi', store: true }),
    });
    expect(response.status).toBe(200);
    const sent = providers.requests('/backend-api/codex/responses').at(-1)!;
    expect(sent.headers['chatgpt-account-id']).toBe('acct-e2e-42');
    expect(sent.headers['originator']).toBe('codex_cli_rs');
    expect(sent.headers['authorization']).toMatch(/^Bearer ey/);
    expect((sent.body as Json)['store']).toBe(false);
  });

  it('OpenAI Codex: the manual redirect-URL paste; a new login supersedes the old one and frees its port', async () => {
    const first = await admin('POST', '/oauth/sessions', { providerId: 'openai-codex', accountId: 'paste' });
    const firstId = String((first.body['data'] as Json)['id']);
    await sessionUntil(firstId, ['awaiting_manual_code']);
    const second = await admin('POST', '/oauth/sessions', { providerId: 'openai-codex', accountId: 'paste' });
    const id = String((second.body['data'] as Json)['id']);
    expect((await admin('GET', `/oauth/sessions/${firstId}`)).body['data']).toEqual(
      expect.objectContaining({ status: 'cancelled' }),
    );
    const session = await sessionUntil(id, ['awaiting_manual_code']);
    const { code, state, redirectUri } = signIn(String((session['authInfo'] as Json)['url']));
    await admin('POST', `/oauth/sessions/${id}/manual-code`, { value: `${redirectUri}?code=${code}&state=${state}` });
    expect((await sessionUntil(id, ['success', 'error']))['status']).toBe('success');
  });

  it('GitHub Copilot: device code with the Enterprise domain prompt; requests carry the Copilot headers', async () => {
    const started = await admin('POST', '/oauth/sessions', { providerId: 'github-copilot', accountId: 'gh' });
    const id = String((started.body['data'] as Json)['id']);
    const prompt = await sessionUntil(id, ['awaiting_prompt']);
    expect(String((prompt['prompt'] as Json)['message'])).toMatch(/Enterprise/);
    expect((await admin('POST', `/oauth/sessions/${id}/manual-code`, { value: 'x' })).status).toBe(409);
    await admin('POST', `/oauth/sessions/${id}/prompt`, { value: '' });
    const device = await sessionUntil(id, ['awaiting_auth', 'success']);
    if (device['status'] === 'awaiting_auth')
      expect(device['authInfo']).toEqual(expect.objectContaining({ userCode: 'WXYZ-1234' }));
    expect((await sessionUntil(id, ['success', 'error']))['status']).toBe('success');

    await oauthProvider('copilot-gh', 'github-copilot', 'gh', ['gemini-3.8-flash']);
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'direct/copilot-gh/gemini-3.8-flash',
        messages: [{ role: 'user', content: 'hi' }],
      }),
    });
    expect(response.status).toBe(200);
    const sent = providers.requests('/chat/completions').at(-1)!;
    expect(String(sent.headers['authorization'])).toMatch(/^Bearer tid=e2e;/);
    expect(sent.headers['user-agent']).toBe('GitHubCopilotChat/0.35.0');
    expect(sent.headers['copilot-integration-id']).toBe('vscode-chat');
  });

  it('the claude-code quota checker reads the windows with the stored OAuth credential', async () => {
    const updated = await admin('PUT', '/providers/claude-work', {
      api_base_url: 'oauth://',
      oauth_provider: 'anthropic',
      oauth_account: 'work',
      models: ['claude-sonnet-4-5'],
      quota_checker: { type: 'claude-code', options: { endpoint: `${providers.server.url}/api/oauth/usage` } },
    });
    expect(updated.status).toBeLessThan(300);
    let checked: Json = {};
    for (let attempt = 0; attempt < 50 && checked['success'] !== true; attempt += 1) {
      checked = (await admin('POST', '/quotas/claude-work/check')).body;
      if (checked['success'] !== true) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(checked).toMatchObject({ checkerType: 'claude-code', success: true });
    const sent = providers.requests('/api/oauth/usage').at(-1)!;
    expect(providers.issued).toContain(String(sent.headers['authorization']).replace(/^Bearer /, ''));
  });

  it('cancels a session', async () => {
    const started = await admin('POST', '/oauth/sessions', { providerId: 'github-copilot', accountId: 'cancelled' });
    const id = String((started.body['data'] as Json)['id']);
    expect((await admin('POST', `/oauth/sessions/${id}/cancel`)).body['data']).toEqual(
      expect.objectContaining({ status: 'cancelled' }),
    );
    expect((await admin('GET', '/oauth/sessions/unknown')).status).toBe(404);
  });

  it('never shows a token in an API answer, export, log line or the database in clear; rekey round-trips them', async () => {
    const tokens = providers.issued;
    expect(tokens.length).toBeGreaterThan(5);
    const answers = [
      (await admin('GET', '/oauth/credentials')).text,
      (await admin('GET', '/config/export')).text,
      (await admin('GET', '/providers')).text,
      await databaseDump(),
      gateway.output(),
    ].join('\n');
    for (const token of [...tokens, 'rt-anthropic']) expect(answers).not.toContain(token);

    expect(await gateway.stop()).toBe(0);
    const rekey = spawnSync(process.execPath, [GATEWAY_MAIN, 'rekey'], {
      env: {
        PATH: process.env['PATH'] ?? '',
        DATABASE_URL: database.url,
        ENCRYPTION_KEY: KEY_ONE,
        NEW_ENCRYPTION_KEY: KEY_TWO,
        LOG_LEVEL: 'warn',
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(rekey.stderr).toBe('');
    await startWith(KEY_TWO);
    const answer = await messages('direct/claude-work/claude-sonnet-4-5');
    expect(answer.status).toBe(200);
    const sent = String(providers.requests('/v1/messages').at(-1)!.headers['authorization']);
    expect(providers.issued).toContain(sent.replace(/^Bearer /, ''));
  });
});
