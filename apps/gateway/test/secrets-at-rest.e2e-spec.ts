import {
  GATEWAY_MAIN,
  ScriptedUpstream,
  chatCompletionBody,
  createTestDatabase,
  startGateway,
  type GatewayProcess,
  type TestDatabase,
} from '@plexus/testing';
import { spawnSync } from 'node:child_process';
import { Client } from 'pg';

type Json = Record<string, unknown>;

const ADMIN_KEY = 'secrets-at-rest-admin';
const KEY_ONE = 'e5'.repeat(32);
const KEY_TWO = 'f6'.repeat(32);
const PROVIDER_KEY = 'sk-provider-at-rest-0001';
const HEADER_SECRET = 'hdr-upstream-at-rest-0002';
const CLIENT_SECRET = 'sk-client-at-rest-0003';
const CHECKER_SECRET = 'naga-prov-at-rest-0004';
const MCP_HEADER = 'Bearer mcp-at-rest-0005';
const MCP_ENV = 'env-mcp-at-rest-0006';
const MCP_ARG = '--token=mcp-arg-at-rest-0007';
const EXTRA_HEADER = 'hdr-extra-at-rest-0008';
const SECRETS = [
  PROVIDER_KEY,
  HEADER_SECRET,
  CLIENT_SECRET,
  CHECKER_SECRET,
  MCP_HEADER,
  MCP_ENV,
  MCP_ARG,
  EXTRA_HEADER,
];

describe('every secret at rest, in responses and across export/import and rekey (ENCRYPTION_KEY)', () => {
  let database: TestDatabase;
  let upstream: ScriptedUpstream;
  let gateway: GatewayProcess;
  let firstExport: Json;

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

  /** `SELECT *` of every table in the gateway's database, as one text. */
  async function databaseDump(): Promise<string> {
    const db = new Client({ connectionString: database.url });
    await db.connect();
    try {
      const tables = await db.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
      );
      expect(tables.rows.map((row) => row.table_name)).toEqual(
        expect.arrayContaining(['providers', 'api_keys', 'system_settings']),
      );
      const dumps: string[] = [];
      for (const { table_name: table } of tables.rows)
        dumps.push(table, JSON.stringify((await db.query(`SELECT * FROM "${table}"`)).rows));
      return dumps.join('\n');
    } finally {
      await db.end();
    }
  }

  const expectNoSecrets = (text: string): void => {
    for (const secret of SECRETS) expect(text).not.toContain(secret);
  };

  /** Sends one chat completion as the client; returns the headers the upstream received. */
  async function chatUpstreamHeaders(): Promise<Record<string, string | string[] | undefined>> {
    upstream.requests.length = 0;
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CLIENT_SECRET}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'direct/up/m', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(response.status).toBe(200);
    const request = upstream.requests.find((recorded) => recorded.path.startsWith('/v1/chat/completions'));
    expect(request).toBeDefined();
    return request?.headers ?? {};
  }

  const expectRealSecretsUpstream = async (): Promise<void> => {
    const headers = await chatUpstreamHeaders();
    expect(headers['authorization']).toBe(`Bearer ${PROVIDER_KEY}`);
    expect(headers['x-upstream-auth']).toBe(HEADER_SECRET);
    expect(headers['x-extra']).toBe(EXTRA_HEADER);
    expect(headers['x-org']).toBe('acme');
  };

  async function eventually<T>(read: () => Promise<T | undefined>): Promise<T> {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const value = await read();
      if (value !== undefined) return value;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('not there after 10 s');
  }

  const startWith = async (key: string): Promise<void> => {
    gateway = await startGateway({ ADMIN_KEY, DATABASE_URL: database.url, ENCRYPTION_KEY: key, LOG_LEVEL: 'debug' });
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    upstream = await ScriptedUpstream.start();
    upstream.script((request) =>
      request.path.startsWith('/v1/account/balance')
        ? { kind: 'json', body: { balance: '7.5' } }
        : { kind: 'json', body: chatCompletionBody({ model: 'm', content: 'ok' }) },
    );
    await startWith(KEY_ONE);
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    await upstream?.stop();
    await database?.drop();
  });

  it('stores the secrets written through the API encrypted, and sends the real ones upstream', async () => {
    const imported = await admin('PUT', '/config', {
      providers: {
        up: {
          api_base_url: `${upstream.url}/v1`,
          api_key: PROVIDER_KEY,
          headers: { 'X-Upstream-Auth': HEADER_SECRET, 'X-Org': 'acme' },
          quota_checker: {
            type: 'naga',
            options: { endpoint: `${upstream.url}/v1/account/balance`, provisioningKey: CHECKER_SECRET, max: 10 },
          },
        },
      },
      keys: { client: { secret: CLIENT_SECRET } },
      mcp_servers: {
        gh: {
          mode: 'remote_http',
          upstream_url: 'https://mcp.example.com/mcp',
          enabled: true,
          headers: { Authorization: MCP_HEADER },
        },
        local: { mode: 'stdio', command: 'npx', args: ['-y', MCP_ARG], env: { API_KEY: MCP_ENV } },
      },
    });
    expect(imported.status).toBe(200);

    const shown = await admin('GET', '/providers/up');
    expect(shown.body['headers']).toEqual({ 'X-Upstream-Auth': 'hdr...0002', 'X-Org': '****' });
    const patched = await admin('PATCH', '/providers/up', {
      headers: { ...(shown.body['headers'] as Json), 'X-Extra': EXTRA_HEADER },
    });
    expect(patched.status).toBe(200);
    const refused = await admin('PATCH', '/providers/up', { headers: { 'X-Unknown': 'hdr...0002' } });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ details: [{ path: ['headers', 'X-Unknown'], code: 'masked_secret' }] });

    // Traced, so the upstream request with its custom headers is stored too.
    expect((await admin('PATCH', '/debug', { keys: ['client'] })).status).toBe(200);
    await expectRealSecretsUpstream();
    const dump = await eventually(async () => {
      const tables = await databaseDump();
      return tables.includes('"X-Extra":"[REDACTED]"') ? tables : undefined;
    });
    expectNoSecrets(dump);
    expect(dump).toContain('enc:v1:');
    expect(dump).toContain('https://mcp.example.com/mcp');
  });

  it('masks them in responses and the export, keeps them encrypted in a backup, and an export imports back losslessly', async () => {
    const providers = await admin('GET', '/providers');
    const exported = await admin('GET', '/config/export');
    const settings = await admin('GET', '/system-settings');
    for (const response of [providers, exported, settings]) {
      expect(response.status).toBe(200);
      expectNoSecrets(response.text);
    }
    firstExport = exported.body;
    expect(firstExport['mcp_servers']).toEqual({
      gh: {
        mode: 'remote_http',
        upstream_url: 'https://mcp.example.com/mcp',
        enabled: true,
        headers: { Authorization: 'Bea...0005' },
      },
      local: { mode: 'stdio', command: 'npx', args: ['**', '--t...0007'], env: { API_KEY: 'env...0006' } },
    });

    expect((await admin('PUT', '/config', firstExport)).status).toBe(200);
    expect((await admin('GET', '/config/export')).body).toEqual(firstExport);
    await expectRealSecretsUpstream();

    const backup = await admin('GET', '/backup');
    expect(backup.status).toBe(200);
    expectNoSecrets(backup.text);
    const mcp = (backup.body['data'] as Json)['mcp_servers'] as Record<string, Json>;
    expect(String((mcp['gh']?.['headers'] as Json)['Authorization'])).toMatch(/^enc:v1:/);
    expect((await admin('POST', '/restore', backup.body)).status).toBe(200);
    expect((await admin('GET', '/config/export')).body).toEqual(firstExport);
    await expectRealSecretsUpstream();

    expectNoSecrets(await databaseDump());
    expectNoSecrets(gateway.output());
  });

  it('rekeys every secret (headers and MCP servers included) in one go', async () => {
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
    // The provider key, 3 header values, 1 checker credential, 1 API key secret, and the MCP servers' header, env value and 2 args.
    expect(rekey.stdout).toMatch(/re-encrypted 10 secrets/);

    await startWith(KEY_TWO);
    await expectRealSecretsUpstream();
    expect((await admin('GET', '/config/export')).body).toEqual(firstExport);
    expectNoSecrets(await databaseDump());
  });
});
