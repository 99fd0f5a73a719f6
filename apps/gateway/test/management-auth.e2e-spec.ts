import { createTestDatabase, startGateway, type GatewayProcess, type TestDatabase } from '@plexus/testing';
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ADMIN_KEY = 'auth-matrix-admin-key';
const LIMITED_SECRET = 'sk-limited-matrix-secret';
const OTHER_SECRET = 'sk-other-matrix-secret';
const MANAGED_SECRET = 'sk-managed-matrix-secret';
const SSO_HEADER = 'x-forwarded-email';
/** Loopback addresses: the gateway trusts the first as its SSO proxy, never the second. */
const TRUSTED_PEER = '127.0.0.1';
const UNTRUSTED_PEER = '127.0.0.2';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: () => Record<string, unknown>;
}

interface RawOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  localAddress?: string;
}

/** One HTTP request with the path sent byte for byte (fetch would normalise `..`, `//` and `%2e`). */
function raw(base: string, path: string, options: RawOptions = {}): Promise<Reply> {
  const url = new URL(base);
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path,
        method: options.method ?? 'GET',
        ...(options.localAddress !== undefined && { localAddress: options.localAddress }),
        headers: { ...(body !== undefined && { 'content-type': 'application/json' }), ...options.headers },
      },
      (res) => {
        // A server-sent event stream never ends: its status and headers are all we need.
        if (String(res.headers['content-type']).includes('text/event-stream')) {
          res.destroy();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: '', json: () => ({}) });
          return;
        }
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json: () => JSON.parse(text) as Record<string, unknown>,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

interface Route {
  method: string;
  path: string;
}

/** Every /v0/management operation of an OpenAPI document. */
function managementRoutes(document: { paths: Record<string, Record<string, unknown>> }): Route[] {
  const methods = ['get', 'put', 'post', 'patch', 'delete'];
  return Object.entries(document.paths)
    .filter(([path]) => path.startsWith('/v0/management'))
    .flatMap(([path, item]) =>
      Object.keys(item)
        .filter((m) => methods.includes(m))
        .map((m) => ({ method: m.toUpperCase(), path })),
    );
}

const key = (route: Route): string => `${route.method} ${route.path}`;

/** Routes that answer without any credential (nothing secret in them). */
const PUBLIC_ROUTES = new Set(['GET /v0/management/auth/oidc']);

/** Routes an API key's own secret must be allowed on (each scoped to that key). */
const LIMITED_ROUTES = new Set([
  'GET /v0/management/auth/verify',
  'GET /v0/management/self/me',
  'POST /v0/management/self/rotate',
  'PATCH /v0/management/self/comment',
  'GET /v0/management/self/quota',
  'GET /v0/management/usage',
  'GET /v0/management/usage/summary',
  'GET /v0/management/errors',
  'GET /v0/management/concurrency',
]);

/** Routes the reference opens to limited principals; whether ours does is the owning feature's choice (never 401 for a valid key). */
const LIMITED_OPTIONAL = [
  /^GET \/v0\/management\/(events|cooldowns|debug(\/.*)?|errors\/.*)$/,
  /^POST \/v0\/management\/self\/debug\/toggle$/,
];

/** Routes whose admin call would take the gateway down or change what the rest of the run depends on. */
const NOT_CALLED_AS_ADMIN = [
  /^POST \/v0\/management\/restart$/,
  /^POST \/v0\/management\/self\/rotate$/,
  /^POST \/v0\/management\/restore$/,
  /^PUT \/v0\/management\/config$/,
];

/** Concrete path for a templated one: every parameter gets a harmless value no object has. */
function concrete(path: string): string {
  return path.replace(/\{([^}]+)\}/g, (_match, name: string) =>
    /requestId|id$/i.test(name) ? '00000000-0000-4000-8000-000000000000' : `matrix-missing-${name.toLowerCase()}`,
  );
}

describe('management auth: principals, SSO, audit, path tricks', () => {
  let dataDir: string;
  let gateway: GatewayProcess;
  let routes: Route[];

  const as = (secret: string): Record<string, string> => ({ 'x-admin-key': secret });
  const admin = (method: string, path: string, body?: unknown) =>
    raw(gateway.url, `/v0/management${path}`, { method, headers: as(ADMIN_KEY), ...(body !== undefined && { body }) });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'plexus-auth-'));
    const configFile = join(dataDir, 'plexus.yaml');
    writeFileSync(configFile, `keys:\n  matrix-managed:\n    secret: ${MANAGED_SECRET}\n    comment: from git\n`);
    gateway = await startGateway({
      PLEXUS_CONFIG: configFile,
      ADMIN_KEY,
      DATA_DIR: dataDir,
      TRUSTED_PROXIES: `${TRUSTED_PEER}/32`,
      // The matrix sends hundreds of wrong keys from one address; the throttle has its own gateway below.
      ADMIN_LOGIN_MAX_FAILURES: '100000',
    });
    const committed = JSON.parse(readFileSync(join(__dirname, '..', 'openapi.json'), 'utf8')) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const live = (await raw(gateway.url, '/.well-known/plexus/openapi.json')).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    // The committed document and the running app's own: a route added since the last regeneration is covered too.
    const all = new Map(
      [...managementRoutes(committed), ...managementRoutes(live)].map((route) => [key(route), route]),
    );
    routes = [...all.values()];
    expect(routes.length).toBeGreaterThan(40);

    for (const [name, secret] of [
      ['matrix-limited', LIMITED_SECRET],
      ['matrix-other', OTHER_SECRET],
    ] as const) {
      expect((await admin('PUT', `/keys/${name}`, { secret, comment: `${name} comment` })).status).toBe(200);
    }
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 401 on every route without a key and with a wrong key', async () => {
    const failures: string[] = [];
    for (const route of routes) {
      if (PUBLIC_ROUTES.has(key(route))) continue;
      const path = concrete(route.path);
      const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : {};
      const none = await raw(gateway.url, path, { method: route.method, ...(body !== undefined && { body }) });
      const wrong = await raw(gateway.url, path, {
        method: route.method,
        headers: as('sk-wrong'),
        ...(body !== undefined && { body }),
      });
      const bearer = await raw(gateway.url, path, {
        method: route.method,
        headers: { authorization: 'Bearer sk-wrong' },
      });
      for (const [label, reply] of [
        ['no key', none],
        ['wrong key', wrong],
        ['wrong bearer', bearer],
      ] as const) {
        if (reply.status !== 401) failures.push(`${key(route)} ${label}: ${reply.status}`);
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);

  it('refuses a limited principal with 403 on admin-only routes and admits it on its own', async () => {
    const failures: string[] = [];
    for (const route of routes) {
      const name = key(route);
      if (name === 'POST /v0/management/self/rotate' || PUBLIC_ROUTES.has(name)) continue; // rotate has its own test below; it would change the secret used here
      const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : {};
      const reply = await raw(gateway.url, concrete(route.path), {
        method: route.method,
        headers: as(LIMITED_SECRET),
        ...(body !== undefined && { body }),
      });
      if (LIMITED_ROUTES.has(name)) {
        if (reply.status === 401 || reply.status === 403)
          failures.push(`${name}: limited refused with ${reply.status}`);
      } else if (LIMITED_OPTIONAL.some((pattern) => pattern.test(name))) {
        if (reply.status === 401) failures.push(`${name}: limited answered 401`);
      } else if (reply.status !== 403) {
        failures.push(`${name}: limited got ${reply.status}, expected 403`);
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);

  it('lets the admin key through on every route (and the Bearer form too)', async () => {
    const failures: string[] = [];
    for (const route of routes) {
      const name = key(route);
      if (NOT_CALLED_AS_ADMIN.some((pattern) => pattern.test(name))) continue;
      const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : {};
      const reply = await raw(gateway.url, concrete(route.path), {
        method: route.method,
        headers: as(ADMIN_KEY),
        ...(body !== undefined && { body }),
      });
      if (reply.status === 401 || reply.status === 403) failures.push(`${name}: admin got ${reply.status}`);
    }
    expect(failures).toEqual([]);
    expect((await raw(gateway.url, '/v0/management/auth/oidc')).json()).toEqual({ enabled: false });
    expect(
      (
        await raw(gateway.url, '/v0/management/auth/verify', { headers: { authorization: `Bearer ${ADMIN_KEY}` } })
      ).json(),
    ).toEqual({
      ok: true,
      role: 'admin',
    });
  }, 120_000);

  it('answers invalid bodies with 400 naming the field and the reason', async () => {
    const cases: Array<[string, string, unknown, string]> = [
      ['PUT', '/providers/bad-provider', { api_base_url: 'not a url' }, 'api_base_url'],
      ['PUT', '/keys/bad-key', { secret: 42 }, 'secret'],
      ['PUT', '/user-quotas/bad-quota', { type: 'rolling', limitType: 'requests', limit: 'many' }, 'limit'],
      ['PATCH', '/config/cooldown', { initialMinutes: 'soon' }, 'initialMinutes'],
      ['PATCH', '/config/trusted-proxies', { trustedProxies: ['10.0.0.0/8', 'proxy.example.com'] }, 'trustedProxies.1'],
      ['PATCH', '/self/comment?keyName=matrix-other', { comment: 7 }, 'comment'],
    ];
    for (const [method, path, body, field] of cases) {
      const reply = await admin(method, path, body);
      expect({ path, status: reply.status }).toEqual({ path, status: 400 });
      const details = reply.json()['details'] as Array<{ path: string[]; message: string }>;
      expect(reply.json()['error']).toBe('Validation failed');
      const detail = details.find((d) => d.path.join('.') === field);
      expect({ path, field, found: detail !== undefined }).toEqual({ path, field, found: true });
      expect(detail?.message.length).toBeGreaterThan(3);
    }
  });

  it("keeps a limited principal to its own key: never another key's data, never its own quota", async () => {
    const limited = (method: string, path: string, body?: unknown) =>
      raw(gateway.url, `/v0/management${path}`, {
        method,
        headers: as(LIMITED_SECRET),
        ...(body !== undefined && { body }),
      });

    expect((await limited('GET', '/self/me?keyName=matrix-other')).json()).toMatchObject({
      role: 'limited',
      keyName: 'matrix-limited',
      comment: 'matrix-limited comment',
      traceEnabled: false,
      traceEnabledGlobal: false,
    });
    expect((await limited('POST', '/self/debug/toggle', { enabled: true })).status).toBe(200);
    expect((await limited('GET', '/self/me')).json()).toMatchObject({ traceEnabled: true });
    expect((await limited('POST', '/self/debug/toggle', { enabled: false })).status).toBe(200);
    expect(
      (await limited('PATCH', '/self/comment?keyName=matrix-other', { comment: 'changed by limited' })).json(),
    ).toEqual({
      success: true,
      keyName: 'matrix-limited',
      comment: 'changed by limited',
    });
    expect((await admin('GET', '/keys/matrix-other')).json()).toMatchObject({ comment: 'matrix-other comment' });
    expect((await admin('GET', '/keys/matrix-limited')).json()).toMatchObject({ comment: 'changed by limited' });

    expect((await limited('GET', '/usage?apiKey=matrix-other')).json()).toMatchObject({ total: 0 });
    for (const [method, path, body] of [
      ['GET', '/keys/matrix-other', undefined],
      ['GET', '/keys/matrix-limited', undefined],
      ['PATCH', '/keys/matrix-limited', { quota: null, maxConcurrency: 1000 }],
      ['PUT', '/keys/matrix-limited', { secret: LIMITED_SECRET }],
      ['GET', '/quota/status/matrix-other', undefined],
      ['POST', '/quota/clear', { key: 'matrix-limited' }],
      ['PUT', '/user-quotas/mine', { type: 'rolling', limitType: 'requests', limit: 1e9, duration: '1h' }],
      ['GET', '/audit', undefined],
    ] as const) {
      expect({ method, path, status: (await limited(method, path, body)).status }).toEqual({
        method,
        path,
        status: 403,
      });
    }
  });

  it('rotates a key secret through self/rotate: returned once, old secret dead at once', async () => {
    expect((await admin('PUT', '/keys/rotating', { secret: 'sk-rotating-before' })).status).toBe(200);
    const rotated = await raw(gateway.url, '/v0/management/self/rotate?keyName=matrix-other', {
      method: 'POST',
      headers: as('sk-rotating-before'),
    });
    expect(rotated.status).toBe(200);
    const { keyName, secret } = rotated.json() as { keyName: string; secret: string };
    expect(keyName).toBe('rotating');
    expect(secret).toMatch(/^sk-[0-9a-f]{48}$/);
    expect((await raw(gateway.url, '/v0/management/auth/verify', { headers: as('sk-rotating-before') })).status).toBe(
      401,
    );
    expect((await raw(gateway.url, '/v0/management/self/me', { headers: as(secret) })).json()).toMatchObject({
      keyName: 'rotating',
    });
    expect((await admin('GET', '/keys/rotating')).text).not.toContain(secret);
    // A key from the config file changes only there.
    const managed = { headers: as(MANAGED_SECRET) };
    expect((await raw(gateway.url, '/v0/management/self/me', managed)).json()).toMatchObject({
      keyName: 'matrix-managed',
      comment: 'from git',
    });
    expect((await raw(gateway.url, '/v0/management/self/rotate', { method: 'POST', ...managed })).status).toBe(409);
    expect(
      (await raw(gateway.url, '/v0/management/self/comment', { method: 'PATCH', ...managed, body: { comment: 'x' } }))
        .status,
    ).toBe(409);
    expect((await raw(gateway.url, '/v0/management/auth/verify', managed)).status).toBe(200);
    // The admin names the key; without a name it has none to rotate.
    expect((await admin('POST', '/self/rotate')).status).toBe(400);
    expect((await admin('POST', '/self/rotate?keyName=nobody')).status).toBe(404);
  });

  it('never lets a path trick reach a management route without a key', async () => {
    const tricks = [
      '//v0/management/keys',
      '/v0//management/keys',
      '/v0/management//keys',
      '/v0/management/keys/',
      '/v0/management/keys/matrix-other/',
      '/V0/MANAGEMENT/KEYS',
      '/v0/Management/keys',
      '/v0/management/%6beys',
      '/v0/management/%2e/keys',
      '/v0/management/%2e%2e/management/keys',
      '/v0/management/../management/keys',
      '/v0/management/../v0/management/keys',
      '/v0/management/%2e%2e/v0/management/keys',
      '/%76%30/management/keys',
      '/v0/management/./keys',
      '/v0/x/../management/keys',
      '/v0%2fmanagement%2fkeys',
      '/v0/management/keys%2fmatrix-other',
      '/v0/management/keys;/',
      '/v0/management/keys?x-admin-key=' + ADMIN_KEY,
      '/v0/management/keys#',
    ];
    for (const path of tricks) {
      for (const method of ['GET', 'HEAD', 'PUT', 'DELETE']) {
        const reply = await raw(gateway.url, path, {
          method,
          ...(method === 'PUT' && { body: { secret: 'sk-planted' } }),
        });
        // 401, a plain 404 (which may echo the path), or the console's index page: never key data, never a change.
        const leaked = /matrix-other comment|changed by limited|"secret"/.test(reply.text);
        const allowed =
          reply.status === 401 ||
          reply.status === 404 ||
          (reply.status === 200 && String(reply.headers['content-type']).startsWith('text/html'));
        expect({ path, method, status: reply.status, leaked, allowed }).toEqual({
          path,
          method,
          status: reply.status,
          leaked: false,
          allowed: true,
        });
      }
    }
    expect((await admin('GET', '/keys')).text).not.toContain('planted');
  });

  describe('SSO behind a trusted proxy', () => {
    const sso = (method: string, path: string, peer: string, user: string, body?: unknown) =>
      raw(gateway.url, `/v0/management${path}`, {
        method,
        localAddress: peer,
        headers: { [SSO_HEADER]: user },
        ...(body !== undefined && { body }),
      });

    it('accepts the user header from the trusted proxy as an admin and reports who it is', async () => {
      expect((await sso('GET', '/auth/verify', TRUSTED_PEER, 'alice@example.com')).json()).toEqual({
        ok: true,
        role: 'admin',
        via: 'sso',
        user: 'alice@example.com',
      });
      expect((await sso('GET', '/providers', TRUSTED_PEER, 'alice@example.com')).status).toBe(200);
    });

    it('ignores the header from any other address', async () => {
      expect((await sso('GET', '/auth/verify', UNTRUSTED_PEER, 'mallory@example.com')).status).toBe(401);
      expect(
        (
          await sso('PUT', '/providers/mallory', UNTRUSTED_PEER, 'mallory@example.com', {
            api_base_url: 'https://evil.example/v1',
          })
        ).status,
      ).toBe(401);
      // Forwarding headers from an untrusted peer don't make it a trusted one.
      const forged = await raw(gateway.url, '/v0/management/auth/verify', {
        localAddress: UNTRUSTED_PEER,
        headers: {
          [SSO_HEADER]: 'mallory@example.com',
          'x-forwarded-for': TRUSTED_PEER,
          'x-real-ip': TRUSTED_PEER,
          forwarded: `for=${TRUSTED_PEER}`,
        },
      });
      expect(forged.status).toBe(401);
    });

    it('records who changed what in the audit log, without secrets', async () => {
      expect(
        (
          await sso('PUT', '/providers/sso-made', TRUSTED_PEER, 'alice@example.com', {
            api_base_url: 'https://api.example.com/v1',
            api_key: 'sk-upstream-audit-secret',
          })
        ).status,
      ).toBe(200);
      expect((await admin('PUT', '/keys/audited', { secret: 'sk-audited-key-secret' })).status).toBe(200);
      expect((await admin('PUT', '/providers/bad-audit', { api_base_url: 'nope' })).status).toBe(400);
      expect(
        (
          await raw(gateway.url, '/v0/management/self/comment', {
            method: 'PATCH',
            headers: as(OTHER_SECRET),
            body: { comment: 'mine' },
          })
        ).status,
      ).toBe(200);

      const audit = await admin('GET', '/audit?limit=500');
      expect(audit.status).toBe(200);
      const entries = audit.json()['data'] as Array<Record<string, unknown>>;
      expect(entries).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            actor: 'alice@example.com',
            actorKind: 'sso',
            method: 'PUT',
            path: '/v0/management/providers/sso-made',
            target: 'slug=sso-made',
            status: 200,
          }),
          expect.objectContaining({
            actor: 'admin-key',
            actorKind: 'admin-key',
            method: 'PUT',
            path: '/v0/management/keys/audited',
            status: 200,
          }),
          expect.objectContaining({
            actor: 'admin-key',
            method: 'PUT',
            path: '/v0/management/providers/bad-audit',
            status: 400,
          }),
          expect.objectContaining({
            actor: 'matrix-other',
            actorKind: 'api-key',
            method: 'PATCH',
            path: '/v0/management/self/comment',
            status: 200,
          }),
        ]),
      );
      expect(entries.every((entry) => entry['method'] !== 'GET')).toBe(true);
      expect(audit.text).not.toMatch(/sk-upstream-audit-secret|sk-audited-key-secret|sk-rotating|sk-limited|sk-other/);
      // Refused attempts change nothing and are not configuration changes.
      expect(audit.text).not.toContain('mallory');

      const page = (await admin('GET', '/audit?limit=1&offset=1&actor=admin-key')).json();
      expect(page).toMatchObject({ limit: 1, offset: 1, total: expect.any(Number) });
      expect(page['data']).toHaveLength(1);
      expect((await admin('GET', '/audit?limit=0')).status).toBe(400);
    });

    it('serves and replaces the trusted proxy rules', async () => {
      expect((await admin('GET', '/config/trusted-proxies')).json()).toEqual({
        trustedProxies: [`${TRUSTED_PEER}/32`],
      });
      expect((await admin('PATCH', '/config/trusted-proxies', { trustedProxies: ['10.0.0.0/8', ''] })).json()).toEqual({
        trustedProxies: ['10.0.0.0/8'],
      });
      expect((await sso('GET', '/auth/verify', TRUSTED_PEER, 'alice@example.com')).status).toBe(401);
      expect((await admin('PATCH', '/config/trusted-proxies', { trustedProxies: [TRUSTED_PEER] })).status).toBe(200);
      expect((await sso('GET', '/auth/verify', TRUSTED_PEER, 'alice@example.com')).status).toBe(200);
    });
  });
});

describe('failed logins cannot lock the real admin out (default limits)', () => {
  let database: TestDatabase;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    database = await createTestDatabase();
    gateway = await startGateway({ ADMIN_KEY, DATABASE_URL: database.url }, 90_000);
    const created = await raw(gateway.url, '/v0/management/keys/console-user', {
      method: 'PUT',
      headers: { 'x-admin-key': ADMIN_KEY },
      body: { secret: LIMITED_SECRET },
    });
    expect(created.status).toBeLessThan(300);
  }, 120_000);

  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
  });

  it('11 wrong admin keys then the right one from the same address succeeds, and so does a key holder', async () => {
    const verify = (key: string) =>
      raw(gateway.url, '/v0/management/auth/verify', { headers: { 'x-admin-key': key }, localAddress: UNTRUSTED_PEER });
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await verify(`wrong-${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 429]);
    const admin = await verify(ADMIN_KEY);
    expect(admin.status).toBe(200);
    expect(admin.json()).toMatchObject({ role: 'admin' });
    const limited = await verify(LIMITED_SECRET);
    expect(limited.status).toBe(200);
    expect(limited.json()).toMatchObject({ role: 'limited' });
    const metrics = await raw(gateway.url, '/metrics');
    expect(metrics.text).toMatch(/^plexus_management_login_failures_total 11$/m);
  }, 30_000);
});

describe('failed management logins are rate limited per address', () => {
  let dataDir: string;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'plexus-throttle-'));
    gateway = await startGateway({
      ADMIN_KEY,
      DATA_DIR: dataDir,
      TRUSTED_PROXIES: TRUSTED_PEER,
      ADMIN_LOGIN_MAX_FAILURES: '3',
      ADMIN_LOGIN_WINDOW_SECONDS: '600',
    });
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const verify = (headers: Record<string, string>, localAddress: string) =>
    raw(gateway.url, '/v0/management/auth/verify', { headers, localAddress });

  it('answers 429 with Retry-After after repeated wrong keys, whatever forwarding headers a direct client sends', async () => {
    for (let i = 0; i < 3; i++) {
      const reply = await verify({ 'x-admin-key': `wrong-${i}`, 'x-forwarded-for': `198.51.100.${i}` }, UNTRUSTED_PEER);
      expect(reply.status).toBe(401);
    }
    const blocked = await verify({ authorization: 'Bearer wrong-again' }, UNTRUSTED_PEER);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(500);
    expect(blocked.json()).toMatchObject({ error: { type: 'rate_limit_error', code: 429 } });
    // Only failures are throttled: the right key from the same address still gets in.
    expect((await verify({ 'x-admin-key': ADMIN_KEY }, UNTRUSTED_PEER)).status).toBe(200);
  });

  it('leaves other addresses and successful logins alone', async () => {
    for (let i = 0; i < 5; i++) expect((await verify({ 'x-admin-key': ADMIN_KEY }, TRUSTED_PEER)).status).toBe(200);
    // Behind the trusted proxy each client is its own address.
    for (let i = 0; i < 3; i++)
      expect((await verify({ 'x-admin-key': 'wrong', 'x-forwarded-for': '203.0.113.9' }, TRUSTED_PEER)).status).toBe(
        401,
      );
    expect((await verify({ 'x-admin-key': 'wrong', 'x-forwarded-for': '203.0.113.9' }, TRUSTED_PEER)).status).toBe(429);
    expect((await verify({ 'x-admin-key': ADMIN_KEY, 'x-forwarded-for': '203.0.113.10' }, TRUSTED_PEER)).status).toBe(
      200,
    );
    expect((await verify({ 'x-admin-key': ADMIN_KEY }, TRUSTED_PEER)).status).toBe(200);
  });
});

describe('OIDC ID tokens sign the console in as admin', () => {
  const CLIENT_ID = 'plexus-console';
  let dataDir: string;
  let idp: Server;
  let issuer: string;
  let gateway: GatewayProcess;
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

  const token = (claims: Record<string, unknown>, key: KeyObject = privateKey): string => {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const signed = `${encode({ alg: 'RS256', typ: 'JWT', kid: 'idp-key' })}.${encode({ iss: issuer, aud: CLIENT_ID, sub: 'user-1', iat: now, exp: now + 300, ...claims })}`;
    return `${signed}.${sign('sha256', Buffer.from(signed), key).toString('base64url')}`;
  };
  const verify = (bearer: string) =>
    raw(gateway.url, '/v0/management/auth/verify', { headers: { authorization: `Bearer ${bearer}` } });

  beforeAll(async () => {
    idp = createServer((request, response) => {
      response.setHeader('content-type', 'application/json');
      if (request.url === '/.well-known/openid-configuration')
        response.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
      else if (request.url === '/jwks')
        response.end(
          JSON.stringify({
            keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'idp-key', alg: 'RS256', use: 'sig' }],
          }),
        );
      else response.writeHead(404).end('{}');
    });
    await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
    const address = idp.address();
    issuer = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    dataDir = mkdtempSync(join(tmpdir(), 'plexus-oidc-'));
    gateway = await startGateway({
      ADMIN_KEY,
      DATA_DIR: dataDir,
      OIDC_ISSUER: issuer,
      OIDC_CLIENT_ID: CLIENT_ID,
      OIDC_ALLOWED_USERS: 'boss@example.com,@corp.example',
      ADMIN_LOGIN_MAX_FAILURES: '1000',
    });
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    await new Promise((resolve) => idp?.close(resolve));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('tells the console where to sign in', async () => {
    expect((await raw(gateway.url, '/v0/management/auth/oidc')).json()).toEqual({
      enabled: true,
      issuer,
      clientId: CLIENT_ID,
      scopes: 'openid email profile',
    });
  });

  it('accepts a valid ID token of an allowed user, and records the user on changes', async () => {
    expect((await verify(token({ email: 'boss@example.com' }))).json()).toEqual({
      ok: true,
      role: 'admin',
      via: 'oidc',
      user: 'boss@example.com',
    });
    expect((await verify(token({ email: 'dev@corp.example' }))).status).toBe(200);
    const change = await raw(gateway.url, '/v0/management/keys/oidc-made', {
      method: 'PUT',
      headers: { authorization: `Bearer ${token({ email: 'boss@example.com' })}` },
      body: { secret: 'sk-oidc-made' },
    });
    expect(change.status).toBe(200);
    const audit = (await raw(gateway.url, '/v0/management/audit', { headers: { 'x-admin-key': ADMIN_KEY } })).json()[
      'data'
    ];
    expect(audit).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          actor: 'boss@example.com',
          actorKind: 'oidc',
          path: '/v0/management/keys/oidc-made',
        }),
      ]),
    );
  });

  it('refuses tokens that are forged, expired, for another client or issuer, or of a user not allowed', async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const [label, bad] of [
      ['other signer', token({ email: 'boss@example.com' }, stranger)],
      ['expired', token({ email: 'boss@example.com', exp: now - 3600, iat: now - 7200 })],
      ['other audience', token({ email: 'boss@example.com', aud: 'someone-else' })],
      ['other issuer', token({ email: 'boss@example.com', iss: 'https://evil.example' })],
      ['user not allowed', token({ email: 'intruder@example.com' })],
      [
        'alg none',
        `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify({ iss: issuer, aud: CLIENT_ID, sub: 'x', email: 'boss@example.com', exp: now + 300 })).toString('base64url')}.x`,
      ],
    ] as const) {
      expect({ label, status: (await verify(bad)).status }).toEqual({ label, status: 401 });
    }
  });
});

describe('failed management logins are counted across replicas with REDIS_URL', () => {
  const dirs: string[] = [];
  const gateways: GatewayProcess[] = [];
  // A fresh client address per run, so parallel runs sharing the Redis never meet.
  const client = `198.18.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      const dataDir = mkdtempSync(join(tmpdir(), 'plexus-throttle-redis-'));
      dirs.push(dataDir);
      gateways.push(
        await startGateway({
          ADMIN_KEY,
          DATA_DIR: dataDir,
          REDIS_URL: process.env['PLEXUS_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379',
          TRUSTED_PROXIES: TRUSTED_PEER,
          ADMIN_LOGIN_MAX_FAILURES: '3',
        }),
      );
    }
  }, 60_000);

  afterAll(async () => {
    await Promise.all(gateways.map((gateway) => gateway.stop()));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('blocks the address on every replica once their failures together reach the limit', async () => {
    const [a, b] = gateways as [GatewayProcess, GatewayProcess];
    const verify = (gateway: GatewayProcess, key: string) =>
      raw(gateway.url, '/v0/management/auth/verify', { headers: { 'x-admin-key': key, 'x-forwarded-for': client } });
    expect((await verify(a, 'wrong-1')).status).toBe(401);
    expect((await verify(b, 'wrong-2')).status).toBe(401);
    expect((await verify(a, ADMIN_KEY)).status).toBe(200);
    expect((await verify(b, 'wrong-3')).status).toBe(401);
    expect((await verify(a, 'wrong-4')).status).toBe(429);
    expect((await verify(b, 'wrong-5')).status).toBe(429);
    expect((await verify(b, ADMIN_KEY)).status).toBe(200);
  });
});
