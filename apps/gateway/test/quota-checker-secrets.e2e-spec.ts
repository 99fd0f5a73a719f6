import {
  ScriptedUpstream,
  createTestDatabase,
  startGateway,
  type GatewayProcess,
  type TestDatabase,
} from '@plexus/testing';
import { Client } from 'pg';

const ADMIN_KEY = 'checker-secrets-admin';
const ENCRYPTION_KEY = 'd4'.repeat(32);
const PROVIDER_KEY = 'sk-provider-plain-0000';
const NAGA_KEY = 'naga-provisioning-secret-0001';
const MINIMAX_TOKEN = 'minimax-console-session-0002';
const OPENROUTER_KEY = 'sk-or-management-secret-0003';
const SECRETS = [PROVIDER_KEY, NAGA_KEY, MINIMAX_TOKEN, OPENROUTER_KEY];

type Json = Record<string, unknown>;

describe('quota checker credentials: masked in every answer, encrypted at rest, kept across export and import', () => {
  let database: TestDatabase;
  let upstream: ScriptedUpstream;
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

  async function providersTable(): Promise<string> {
    const db = new Client({ connectionString: database.url });
    await db.connect();
    try {
      return JSON.stringify((await db.query('SELECT * FROM providers ORDER BY slug')).rows);
    } finally {
      await db.end();
    }
  }

  const expectNoSecrets = (text: string): void => {
    for (const secret of SECRETS) expect(text).not.toContain(secret);
  };

  /** What the upstream received as the credential on its last balance call to `path`. */
  const lastCredential = (path: string): string | undefined => {
    const request = upstream.requests.filter((recorded) => recorded.path.startsWith(path)).at(-1);
    return request?.headers.authorization ?? request?.headers.cookie;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    upstream = await ScriptedUpstream.start();
    upstream.script((request) => {
      if (request.path.startsWith('/v1/account/balance')) return { kind: 'json', body: { balance: '7.5' } };
      if (request.path.startsWith('/account/query_balance'))
        return {
          kind: 'json',
          body: { available_amount: '25.00', base_resp: { status_code: 0, status_msg: 'success' } },
        };
      return { kind: 'json', body: { data: { total_credits: 50, total_usage: 42.5 } } };
    });
    gateway = await startGateway({ ADMIN_KEY, DATABASE_URL: database.url, ENCRYPTION_KEY, LOG_LEVEL: 'debug' });
    const providers: Array<[string, Json]> = [
      [
        'naga-p',
        {
          type: 'naga',
          options: { endpoint: `${upstream.url}/v1/account/balance`, provisioningKey: NAGA_KEY, max: 10 },
        },
      ],
      [
        'minimax-p',
        {
          type: 'minimax',
          options: { endpoint: `${upstream.url}/account/query_balance`, token: MINIMAX_TOKEN, groupid: '1900001' },
        },
      ],
      [
        'openrouter-p',
        { type: 'openrouter', options: { endpoint: `${upstream.url}/api/v1/credits`, apiKey: OPENROUTER_KEY } },
      ],
    ];
    for (const [slug, quotaChecker] of providers) {
      const saved = await admin('PUT', `/providers/${slug}`, {
        api_base_url: `${upstream.url}/v1`,
        api_key: PROVIDER_KEY,
        quota_checker: quotaChecker,
      });
      expect(saved.status).toBe(200);
    }
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    await upstream?.stop();
    await database?.drop();
  });

  it('the checkers call their upstreams with the real credentials', async () => {
    for (const slug of ['naga-p', 'minimax-p', 'openrouter-p']) {
      expect((await admin('POST', `/quotas/${slug}/check`)).body).toMatchObject({ success: true });
    }
    expect(lastCredential('/v1/account/balance')).toBe(`Bearer ${NAGA_KEY}`);
    expect(lastCredential('/account/query_balance')).toBe(`_token=${MINIMAX_TOKEN}`);
    expect(lastCredential('/api/v1/credits')).toBe(`Bearer ${OPENROUTER_KEY}`);
  });

  it('GET /providers, /providers/{slug}, /config, /config/export, /quota-checkers and /quotas show them masked', async () => {
    const list = await admin('GET', '/providers');
    expect((list.body['naga-p'] as Json)['quota_checker']).toEqual({
      type: 'naga',
      options: { endpoint: `${upstream.url}/v1/account/balance`, provisioningKey: 'nag...0001', max: 10 },
    });
    expect(((list.body['minimax-p'] as Json)['quota_checker'] as Json)['options']).toMatchObject({
      token: 'min...0002',
      groupid: '1900001',
    });
    expect(((list.body['openrouter-p'] as Json)['quota_checker'] as Json)['options']).toMatchObject({
      apiKey: 'sk-...0003',
    });
    for (const path of ['/providers', '/providers/naga-p', '/config', '/config/export', '/quota-checkers', '/quotas']) {
      const answer = await admin('GET', path);
      expect(answer.status).toBe(200);
      expectNoSecrets(answer.text);
    }
  });

  it('the providers table holds no plaintext credential with ENCRYPTION_KEY set', async () => {
    const dump = await providersTable();
    expectNoSecrets(dump);
    expect(dump.match(/enc:v1:/g)).toHaveLength(6);
  });

  it('an export imports back losslessly: the masked credentials keep the stored ones and the checkers still work', async () => {
    const exported = await admin('GET', '/config/export');
    const imported = await admin('PUT', '/config', exported.body);
    expect(imported.status).toBe(200);
    expectNoSecrets(await providersTable());
    for (const slug of ['naga-p', 'minimax-p', 'openrouter-p']) {
      expect((await admin('POST', `/quotas/${slug}/check`)).body).toMatchObject({ success: true });
    }
    expect(lastCredential('/v1/account/balance')).toBe(`Bearer ${NAGA_KEY}`);
    expect(lastCredential('/account/query_balance')).toBe(`_token=${MINIMAX_TOKEN}`);
    expect(lastCredential('/api/v1/credits')).toBe(`Bearer ${OPENROUTER_KEY}`);
    expect((await admin('GET', '/config/export')).body).toEqual(exported.body);
  });

  it('PUT and PATCH with the masked values from GET keep the credentials; a mask with nothing stored is a 400', async () => {
    const shown = (await admin('GET', '/providers/naga-p')).body;
    expect((await admin('PUT', '/providers/naga-p', shown)).status).toBe(200);
    expect(
      (
        await admin('PATCH', '/providers/minimax-p', {
          display_name: 'MiniMax',
          quota_checker: (await admin('GET', '/providers/minimax-p')).body['quota_checker'],
        })
      ).status,
    ).toBe(200);
    await admin('POST', '/quotas/naga-p/check');
    await admin('POST', '/quotas/minimax-p/check');
    expect(lastCredential('/v1/account/balance')).toBe(`Bearer ${NAGA_KEY}`);
    expect(lastCredential('/account/query_balance')).toBe(`_token=${MINIMAX_TOKEN}`);

    const refused = await admin('PUT', '/providers/fresh', {
      api_base_url: `${upstream.url}/v1`,
      quota_checker: { type: 'naga', options: { provisioningKey: 'nag...0001' } },
    });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      error: 'Validation failed',
      details: [{ path: ['quota_checker', 'options', 'provisioningKey'], code: 'masked_secret' }],
    });
  });

  it('the gateway log never carries them', () => {
    expectNoSecrets(gateway.output());
  });
});
