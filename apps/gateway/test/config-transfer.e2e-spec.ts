import {
  GATEWAY_MAIN,
  createTestDatabase,
  startGateway,
  type GatewayProcess,
  type TestDatabase,
} from '@plexus/testing';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Client } from 'pg';

const ADMIN_KEY = 'config-transfer-admin';
const ENCRYPTION_KEY = 'a1'.repeat(32);
const OTHER_KEY = 'b2'.repeat(32);
const UPSTREAM_SECRET = 'sk-upstream-very-secret-1234';
const KEY_SECRET = 'sk-team-secret-value-5678';

type Json = Record<string, unknown>;

function client(gateway: () => GatewayProcess) {
  return async (
    method: string,
    path: string,
    body?: unknown,
    adminKey: string = ADMIN_KEY,
  ): Promise<{ status: number; body: Json; text: string }> => {
    const response = await fetch(`${gateway().url}/v0/management${path}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-admin-key': adminKey },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Json) : {}, text };
  };
}

/** Runs a subcommand of the built gateway binary, as an operator would. */
function cli(args: string[], env: Record<string, string>): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [GATEWAY_MAIN, ...args], {
    env: { PATH: process.env['PATH'] ?? '', LOG_LEVEL: 'warn', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('config export/import and backup/restore on the built gateway', () => {
  let database: TestDatabase;
  let gateway: GatewayProcess;
  const call = client(() => gateway);

  beforeAll(async () => {
    database = await createTestDatabase();
    gateway = await startGateway({ ADMIN_KEY, DATABASE_URL: database.url, ENCRYPTION_KEY });
    const setup: Array<[string, string, unknown]> = [
      ['PUT', '/user-quotas/daily-tokens', { type: 'daily', limitType: 'tokens', limit: 100000, warnAt: 0.8 }],
      ['PUT', '/user-quotas/burst', { type: 'rolling', limitType: 'cost', limit: 2.5, duration: '1h', shared: true }],
      [
        'PUT',
        '/providers/openai',
        {
          api_base_url: { chat: 'http://127.0.0.1:9/v1', responses: 'http://127.0.0.1:9/v1' },
          api_key: UPSTREAM_SECRET,
          display_name: 'OpenAI',
          models: { 'gpt-a': { pricing: { source: 'simple', input: 1, output: 2 } }, 'gpt-b': {} },
          timeoutMs: 60000,
          headers: { 'x-team': 'blue' },
        },
      ],
      ['PUT', '/providers/local', { api_base_url: 'http://127.0.0.1:9/v1', models: ['small'], enabled: false }],
      [
        'PUT',
        '/aliases/fast',
        {
          target_groups: [
            {
              name: 'primary',
              selector: 'in_order',
              targets: [
                { provider: 'openai', model: 'gpt-a' },
                { provider: 'local', model: 'small', enabled: false },
              ],
            },
            { name: 'fallback', selector: 'random', targets: [{ provider: 'openai', model: 'gpt-b' }] },
          ],
          additional_aliases: ['quick'],
          sticky_session: true,
        },
      ],
      [
        'PUT',
        '/keys/team',
        {
          secret: KEY_SECRET,
          comment: 'the team',
          quotas: ['daily-tokens', 'burst'],
          allowedModels: ['fast'],
          expiresInMinutes: 600,
        },
      ],
      ['PUT', '/keys/ci', { secret: 'sk-ci-secret-value-0000', maxConcurrency: 2 }],
      ['POST', '/keys/ci/disable', undefined],
      ['PATCH', '/config/cooldown', { initialMinutes: 0.5, maxMinutes: 10 }],
    ];
    for (const [method, path, body] of setup)
      expect([method, path, (await call(method, path, body)).status < 300]).toEqual([method, path, true]);
  });

  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
  });

  it('exports every object with secrets masked, and says so', async () => {
    const exported = await call('GET', '/config/export');
    expect(exported.status).toBe(200);
    expect(exported.text).not.toContain('very-secret');
    expect(exported.text).not.toContain('team-secret');
    expect(exported.body).toMatchObject({
      secrets: 'masked',
      providers: {
        openai: { api_key: 'sk-...1234', display_name: 'OpenAI', models: { 'gpt-a': { pricing: { input: 1 } } } },
        local: { enabled: false },
      },
      models: { fast: { additional_aliases: ['quick'], sticky_session: true } },
      keys: {
        team: { secret: 'sk-...5678', quotas: ['daily-tokens', 'burst'], expiresAt: expect.any(Number) },
        ci: { disabledAt: expect.any(Number) },
      },
      user_quotas: { 'daily-tokens': { limit: 100000, warnAt: 0.8 }, burst: { limit: 2.5, shared: true } },
      system_settings: { cooldown: expect.objectContaining({ initialMinutes: 0.5 }) },
    });
    expect((await call('GET', '/config')).body).toEqual(exported.body);
    expect((await call('GET', '/config/status')).body).toEqual({
      providerCount: 2,
      modelAliasCount: 1,
      keyCount: 2,
      quotaCount: 2,
      mcpServerCount: 0,
    });
    expect((await call('GET', '/config/export', undefined, 'wrong')).status).toBe(401);
    expect((await call('GET', '/config/export', undefined, KEY_SECRET)).status).toBe(403);
  });

  it('imports its own export losslessly: masked secrets keep the stored ones', async () => {
    const before = (await call('GET', '/config/export')).body;
    const imported = await call('PUT', '/config', before);
    expect(imported).toMatchObject({
      status: 200,
      body: { success: true, imported: { providers: 2, model_aliases: 1, api_keys: 2, user_quotas: 2 } },
    });
    expect((await call('GET', '/config/export')).body).toEqual(before);
    // the real secret survived the masked round trip
    expect((await call('GET', '/auth/verify', undefined, KEY_SECRET)).status).toBe(200);
  });

  it('validates the whole document first: a refused import changes nothing', async () => {
    const before = (await call('GET', '/config/export')).body;
    const bad = structuredClone(before) as {
      providers: Json;
      models: Record<string, Json>;
      keys: Record<string, Json>;
    };
    delete bad.providers['local'];
    bad.models['fast']['target_groups'] = [
      { name: 'g', selector: 'random', targets: [{ provider: 'nope', model: 'm' }] },
    ];
    bad.keys['team']['quotas'] = ['no-such-quota'];
    bad.keys['fresh'] = { secret: 'sk-...abcd' };
    (bad.providers['openai'] as Json)['timeoutMs'] = 'soon';
    const refused = await call('PUT', '/config', bad);
    expect(refused.status).toBe(400);
    expect(refused.body['error']).toBe('Validation failed');
    const paths = (refused.body['details'] as Array<{ path: string[]; code: string }>).map(
      (issue) => `${issue.path.join('.')}:${issue.code}`,
    );
    expect(paths).toEqual(
      expect.arrayContaining([
        'providers.openai.timeoutMs:isInt',
        'models.fast.target_groups.0.targets.0.provider:unknown_provider',
        'keys.team.quotas:unknown_quota',
        'keys.fresh.secret:masked_secret',
      ]),
    );
    expect((await call('PUT', '/config', { providers: {}, provider: {} })).status).toBe(400);
    expect((await call('GET', '/config/export')).body).toEqual(before);
  });

  it('backs up with secrets encrypted as stored and restores everything, replacing what is there', async () => {
    const before = (await call('GET', '/config/export')).body;
    const backup = await call('GET', '/backup');
    expect(backup.status).toBe(200);
    expect(backup.body).toMatchObject({
      plexus_backup: true,
      version: 1,
      secrets: 'encrypted',
      data: { oauth_credentials: [] },
    });
    expect(backup.text).not.toContain('very-secret');
    expect(backup.text).not.toContain('team-secret');
    const data = backup.body['data'] as { providers: Record<string, Json>; keys: Record<string, Json> };
    expect(data.providers['openai']['api_key']).toMatch(/^enc:v1:/);
    expect(data.keys['team']['secret']).toMatch(/^enc:v1:/);

    // replace everything with an almost empty config, then restore
    expect(
      (
        await call('PUT', '/config', {
          providers: { other: { api_base_url: 'http://127.0.0.1:9/v1' } },
          models: {},
          keys: {},
          user_quotas: {},
          system_settings: {},
        })
      ).status,
    ).toBe(200);
    expect((await call('GET', '/config/status')).body).toMatchObject({ providerCount: 1, keyCount: 0 });
    const restored = await call('POST', '/restore', backup.body);
    expect(restored).toMatchObject({
      status: 200,
      body: { success: true, restored: { providers: 2, model_aliases: 1, api_keys: 2, user_quotas: 2 } },
    });
    expect((await call('GET', '/config/export')).body).toEqual(before);
    expect((await call('GET', '/auth/verify', undefined, KEY_SECRET)).status).toBe(200);

    expect((await call('POST', '/restore', { plexus_backup: true, version: 2, data: {} })).status).toBe(400);
    expect((await call('POST', '/restore', { hello: 'world' })).status).toBe(400);
    expect((await call('GET', '/backup', undefined, KEY_SECRET)).status).toBe(403);
  });

  it('refuses a backup encrypted with another key, changing nothing', async () => {
    const backup = (await call('GET', '/backup')).body;
    const otherDatabase = await createTestDatabase();
    let other: GatewayProcess | undefined;
    try {
      other = await startGateway({ ADMIN_KEY, DATABASE_URL: otherDatabase.url, ENCRYPTION_KEY: OTHER_KEY });
      const otherCall = client(() => other!);
      const refused = await otherCall('POST', '/restore', backup);
      expect(refused.status).toBe(400);
      expect(JSON.stringify(refused.body)).toContain('undecryptable');
      expect((await otherCall('GET', '/config/status')).body).toMatchObject({ providerCount: 0, keyCount: 0 });
    } finally {
      await other?.stop();
      await otherDatabase.drop();
    }
  });

  it('full backup: a tar.gz with the config and the usage history, restored exactly (quotes, newlines, NULL, JSON, the text \\N)', async () => {
    const db = new Client({ connectionString: database.url });
    await db.connect();
    try {
      await db.query(
        `INSERT INTO request_usage (request_id, start_time, api_key, incoming_api_type, response_status, tokens_input, retry_history, error_message, provider_reported_cost)
         VALUES (gen_random_uuid(), now() - interval '1 hour', 'team', 'chat', 'success', 12, '[{"provider":"openai","status":500}]', $1, 0.000123456789),
                (gen_random_uuid(), now() - interval '2 hours', NULL, 'messages', 'error', 0, '[]', $2, NULL)`,
        ['a "quoted", multi\nline message', '\\N'],
      );
      const rows = async (): Promise<unknown[]> =>
        (await db.query<Record<string, unknown>>('SELECT * FROM request_usage ORDER BY request_id')).rows;
      const before = await rows();
      const configBefore = (await call('GET', '/config/export')).body;

      const response = await fetch(`${gateway.url}/v0/management/backup?full=true`, {
        headers: { 'x-admin-key': ADMIN_KEY },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/gzip');
      const archive = Buffer.from(await response.arrayBuffer());
      const tar = gunzipSync(archive).toString('latin1');
      for (const name of ['manifest.json', 'config.json', 'request_usage.csv.gz']) expect(tar).toContain(name);
      expect(tar).not.toContain('team-secret');

      await db.query('DELETE FROM request_usage');
      expect((await call('PUT', '/config', { providers: {}, models: {}, keys: {}, user_quotas: {} })).status).toBe(200);
      const restored = await fetch(`${gateway.url}/v0/management/restore`, {
        method: 'POST',
        headers: { 'x-admin-key': ADMIN_KEY, 'content-type': 'application/gzip' },
        body: archive,
      });
      expect(restored.status).toBe(200);
      expect(await restored.json()).toMatchObject({
        success: true,
        restored: { providers: 2, api_keys: 2, request_usage: 2 },
      });
      expect(await rows()).toEqual(before);
      expect((await call('GET', '/config/export')).body).toEqual(configBefore);

      const garbage = await fetch(`${gateway.url}/v0/management/restore`, {
        method: 'POST',
        headers: { 'x-admin-key': ADMIN_KEY, 'content-type': 'application/octet-stream' },
        body: Buffer.from('not an archive'),
      });
      expect(garbage.status).toBe(400);
      expect(await rows()).toEqual(before);
    } finally {
      await db.end();
    }
  });

  it('backs up and restores through the CLI into another database, losslessly', async () => {
    const before = (await call('GET', '/config/export')).body;
    const directory = mkdtempSync(join(tmpdir(), 'plexus-backup-'));
    const target = await createTestDatabase();
    let restoredGateway: GatewayProcess | undefined;
    try {
      const file = join(directory, 'backup.json');
      const backedUp = cli(['backup', file], { DATABASE_URL: database.url, ENCRYPTION_KEY });
      expect(backedUp).toMatchObject({ status: 0 });
      expect(backedUp.output).toContain(`backup written to ${file}`);
      expect(readFileSync(file, 'utf8')).not.toContain('team-secret');

      const wrongKey = cli(['restore', file], { DATABASE_URL: target.url, ENCRYPTION_KEY: OTHER_KEY });
      expect(wrongKey.status).toBe(1);
      expect(wrongKey.output).toContain('refused, nothing changed');

      const restored = cli(['restore', file], { DATABASE_URL: target.url, ENCRYPTION_KEY });
      expect(restored).toMatchObject({ status: 0 });
      expect(restored.output).toContain('restored 2 providers, 1 model aliases, 2 api keys, 2 user quotas');

      const archive = join(directory, 'full.tar.gz');
      expect(cli(['backup', '--full', archive], { DATABASE_URL: database.url, ENCRYPTION_KEY })).toMatchObject({
        status: 0,
      });
      const fullRestore = cli(['restore', archive], { DATABASE_URL: target.url, ENCRYPTION_KEY });
      expect(fullRestore).toMatchObject({ status: 0 });
      expect(fullRestore.output).toContain('request usage');
      const usage = async (url: string): Promise<unknown[]> => {
        const db = new Client({ connectionString: url });
        await db.connect();
        try {
          return (await db.query<Record<string, unknown>>('SELECT * FROM request_usage ORDER BY request_id')).rows;
        } finally {
          await db.end();
        }
      };
      expect(await usage(target.url)).toEqual(await usage(database.url));

      restoredGateway = await startGateway({ ADMIN_KEY, DATABASE_URL: target.url, ENCRYPTION_KEY });
      const restoredCall = client(() => restoredGateway!);
      expect((await restoredCall('GET', '/config/export')).body).toEqual(before);
      expect((await restoredCall('GET', '/auth/verify', undefined, KEY_SECRET)).status).toBe(200);
    } finally {
      await restoredGateway?.stop();
      await target.drop();
      rmSync(directory, { recursive: true, force: true });
    }
  }, 240_000);

  it('reads and merges system settings', async () => {
    expect((await call('PATCH', '/system-settings', { display_currency: 'EUR' })).body).toEqual({ success: true });
    expect((await call('GET', '/system-settings')).body).toMatchObject({
      display_currency: 'EUR',
      cooldown: expect.any(Object),
    });
    expect((await call('PATCH', '/system-settings', { cooldown: 5 })).status).toBe(400);
    expect((await call('PATCH', '/system-settings', [1])).status).toBe(400);
  });
});
