import {
  GATEWAY_MAIN,
  createTestDatabase,
  startGateway,
  type GatewayProcess,
  type TestDatabase,
} from '@plexus/testing';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ADMIN_KEY = 'declarative-admin';
const UPSTREAM_KEY = 'sk-upstream-from-env-9876';
const TEAM_KEY = 'sk-team-from-env-5432';

type Json = Record<string, unknown>;

const CONFIG = `
providers:
  openai:
    api_base_url: http://127.0.0.1:9/v1
    api_key: \${UPSTREAM_KEY}
    models: [gpt-a, gpt-b]
models:
  fast:
    target_groups:
      - name: main
        selector: in_order
        targets:
          - { provider: openai, model: gpt-a }
keys:
  team:
    secret: \${TEAM_KEY}
    comment: from git
    quotas: [daily]
user_quotas:
  daily:
    type: daily
    limitType: requests
    limit: 1000
`;

/** Writes the file as Kubernetes does: a new file renamed over the old one. */
function writeConfig(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('declarative config (PLEXUS_CONFIG) on the built gateway', () => {
  let database: TestDatabase;
  let directory: string;
  let file: string;
  let gateway: GatewayProcess;

  const call = async (
    method: string,
    path: string,
    body?: unknown,
    adminKey = ADMIN_KEY,
  ): Promise<{ status: number; body: Json }> => {
    const response = await fetch(`${gateway.url}/v0/management${path}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-admin-key': adminKey },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Json) : {} };
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    directory = mkdtempSync(join(tmpdir(), 'plexus-declarative-'));
    file = join(directory, 'plexus.yaml');
    writeConfig(file, CONFIG);
    gateway = await startGateway({
      ADMIN_KEY,
      DATABASE_URL: database.url,
      PLEXUS_CONFIG: file,
      UPSTREAM_KEY,
      TEAM_KEY,
    });
  });

  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('applies the file at boot, with secrets from the environment, and marks its objects managed', async () => {
    expect((await call('GET', '/providers/openai')).body).toMatchObject({
      api_key: 'sk-...9876',
      managed: true,
      models: ['gpt-a', 'gpt-b'],
    });
    expect((await call('GET', '/aliases/fast')).body).toMatchObject({ managed: true });
    expect((await call('GET', '/keys/team')).body).toMatchObject({
      comment: 'from git',
      quotas: ['daily'],
      managed: true,
    });
    expect((await call('GET', '/user-quotas/daily')).body).toMatchObject({ limit: 1000, managed: true });
    // the key's secret came from TEAM_KEY
    expect((await call('GET', '/auth/verify', undefined, TEAM_KEY)).status).toBe(200);
    expect(gateway.output()).not.toContain(TEAM_KEY);
    expect(gateway.output()).not.toContain(UPSTREAM_KEY);
  });

  it('refuses to change or delete managed objects through the API (409), and leaves others editable', async () => {
    const attempts: Array<[string, string, unknown]> = [
      ['PUT', '/providers/openai', { api_base_url: 'http://127.0.0.1:9/v1' }],
      ['PATCH', '/providers/openai', { enabled: false }],
      ['DELETE', '/providers/openai', undefined],
      ['PATCH', '/aliases/fast', { sticky_session: true }],
      ['DELETE', '/models/fast', undefined],
      ['PUT', '/keys/team', { secret: 'sk-another-secret' }],
      ['POST', '/keys/team/disable', undefined],
      ['DELETE', '/user-quotas/daily', undefined],
    ];
    for (const [method, path, body] of attempts) {
      const refused = await call(method, path, body);
      expect([method, path, refused.status]).toEqual([method, path, 409]);
      expect(JSON.stringify(refused.body)).toContain('managed by the config file (PLEXUS_CONFIG)');
    }
    // auth still comes first: no key, no hint that the object exists
    expect((await call('DELETE', '/providers/openai', undefined, 'wrong')).status).toBe(401);

    expect(
      (await call('PUT', '/providers/manual', { api_base_url: 'http://127.0.0.1:9/v1', models: ['m'] })).status,
    ).toBe(200);
    expect((await call('GET', '/providers/manual')).body).not.toHaveProperty('managed');
  });

  it('refuses a cascading delete of an API-made provider that a managed alias targets', async () => {
    writeConfig(
      file,
      CONFIG.replace(
        '          - { provider: openai, model: gpt-a }',
        '          - { provider: openai, model: gpt-a }\n          - { provider: manual, model: m }',
      ),
    );
    await eventually(
      () => call('GET', '/aliases/fast'),
      (response) => JSON.stringify(response.body).includes('manual'),
    );
    const refused = await call('DELETE', '/providers/manual?cascade=true');
    expect(refused.status).toBe(409);
    expect(JSON.stringify(refused.body)).toContain('fast, managed by the config file');
    writeConfig(file, CONFIG);
    await eventually(
      () => call('GET', '/aliases/fast'),
      (response) => !JSON.stringify(response.body).includes('manual'),
    );
  });

  it('keeps managed objects out of an API import: marked ones are skipped, unmarked ones refused', async () => {
    const exported = (await call('GET', '/config/export')).body;
    const imported = await call('PUT', '/config', exported);
    expect(imported.status).toBe(200);
    expect(imported.body['skipped']).toEqual(
      expect.arrayContaining(['providers/openai', 'models/fast', 'keys/team', 'user_quotas/daily']),
    );

    const clash = await call('PUT', '/config', { providers: { openai: { api_base_url: 'http://127.0.0.1:9/v1' } } });
    expect(clash.status).toBe(409);
    expect(JSON.stringify(clash.body)).toContain('providers/openai');
    // an import replaces only what the API made: the managed objects stay
    expect((await call('PUT', '/config', { providers: {}, models: {}, keys: {}, user_quotas: {} })).status).toBe(200);
    expect((await call('GET', '/config/status')).body).toMatchObject({
      providerCount: 1,
      modelAliasCount: 1,
      keyCount: 1,
      quotaCount: 1,
    });
    expect(
      (await call('PUT', '/providers/manual', { api_base_url: 'http://127.0.0.1:9/v1', models: ['m'] })).status,
    ).toBe(200);
  });

  it('applies a changed file, keeps API-made objects, and keeps the running config when an edit is invalid', async () => {
    writeConfig(
      file,
      CONFIG.replace('comment: from git', 'comment: changed in git') +
        `
  second:
    type: rolling
    limitType: tokens
    limit: 5000
    duration: 1h
`,
    );
    const changed = await eventually(
      () => call('GET', '/keys/team'),
      (response) => response.body['comment'] === 'changed in git',
    );
    expect(changed.body).toMatchObject({ comment: 'changed in git', managed: true });
    expect((await call('GET', '/user-quotas/second')).body).toMatchObject({ limit: 5000, managed: true });
    expect((await call('GET', '/providers/manual')).status).toBe(200);

    // removing an object from the file deletes it
    writeConfig(file, CONFIG);
    expect(
      (
        await eventually(
          () => call('GET', '/user-quotas/second'),
          (response) => response.status === 404,
        )
      ).status,
    ).toBe(404);

    // an edit that does not validate is logged and changes nothing
    writeConfig(
      file,
      CONFIG.replace('provider: openai', 'provider: nowhere').replace('comment: from git', 'comment: broken edit'),
    );
    await eventually(
      () => Promise.resolve(gateway.output()),
      (output) => output.includes('config file not applied'),
    );
    expect(gateway.output()).toContain("Unknown provider 'nowhere'");
    expect((await call('GET', '/keys/team')).body).toMatchObject({ comment: 'from git' });
  });

  it('releases the objects when the gateway starts without PLEXUS_CONFIG', async () => {
    await gateway.stop();
    gateway = await startGateway({ ADMIN_KEY, DATABASE_URL: database.url });
    expect((await call('GET', '/providers/openai')).body).not.toHaveProperty('managed');
    expect((await call('PATCH', '/providers/openai', { display_name: 'Now editable' })).status).toBe(200);
    expect(gateway.output()).toContain('editable through the API again');
  });

  it('stops at boot with the name of a missing environment variable, never a value', () => {
    const broken = join(directory, 'broken.yaml');
    writeFileSync(broken, CONFIG.replace('${TEAM_KEY}', '${MISSING_TEAM_SECRET}'));
    const result = spawnSync(process.execPath, [GATEWAY_MAIN], {
      env: {
        PATH: process.env['PATH'] ?? '',
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'warn',
        ADMIN_KEY,
        DATABASE_URL: database.url,
        PLEXUS_CONFIG: broken,
        UPSTREAM_KEY,
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    const output = `${result.stdout}${result.stderr}`;
    expect(result.status).toBe(1);
    expect(output).toContain('environment variable MISSING_TEAM_SECRET is not set (used at keys.team.secret)');
    expect(output).not.toContain(UPSTREAM_KEY);
  });
});
