import { startGateway, type GatewayProcess } from '@plexus/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ADMIN_KEY = 'management-admin';

describe('/v0/management on the built gateway', () => {
  let dataDir: string;
  let gateway: GatewayProcess;

  const call = async (method: string, path: string, body?: unknown, adminKey: string | null = ADMIN_KEY) => {
    const response = await fetch(`${gateway.url}/v0/management${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(adminKey !== null && { 'x-admin-key': adminKey }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'plexus-mgmt-'));
    gateway = await startGateway({ ADMIN_KEY, DATA_DIR: dataDir });
  });

  afterAll(async () => {
    await gateway?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('requires the admin key on every route', async () => {
    for (const [method, path] of [
      ['GET', '/providers'],
      ['PUT', '/providers/x'],
      ['GET', '/aliases'],
      ['DELETE', '/models/x'],
      ['GET', '/keys'],
      ['POST', '/keys/x/disable'],
    ] as const) {
      expect(await call(method, path, method === 'PUT' ? {} : undefined, null)).toEqual({
        status: 401,
        body: { error: { message: 'Unauthorized', type: 'auth_error', code: 401 } },
      });
      expect((await call(method, path, undefined, 'wrong-key')).status).toBe(401);
    }
  });

  it('creates, reads, patches and deletes a provider, never showing its key', async () => {
    const saved = await call('PUT', '/providers/openai', {
      api_base_url: 'https://api.openai.com/v1',
      api_key: 'sk-very-secret-upstream-key',
      display_name: 'OpenAI',
      models: ['gpt-a', 'gpt-b'],
      quota_checker: { type: 'openrouter', enabled: false },
    });
    expect(saved).toEqual({ status: 200, body: { success: true, slug: 'openai' } });

    const read = await call('GET', '/providers/openai');
    expect(read.body).toMatchObject({
      display_name: 'OpenAI',
      api_base_url: 'https://api.openai.com/v1',
      enabled: true,
      models: ['gpt-a', 'gpt-b'],
      quota_checker: { type: 'openrouter', enabled: false },
    });
    expect(JSON.stringify(read.body)).not.toContain('very-secret');
    expect(JSON.stringify((await call('GET', '/providers')).body)).not.toContain('very-secret');

    expect((await call('PATCH', '/providers/openai', { enabled: false })).status).toBe(200);
    expect((await call('GET', '/providers/openai')).body).toMatchObject({ enabled: false, display_name: 'OpenAI' });
    expect((await call('PATCH', '/providers/missing', { enabled: false })).status).toBe(404);
    expect((await call('DELETE', '/providers/openai')).body).toEqual({ success: true, provider: 'openai' });
    expect((await call('GET', '/providers/openai')).status).toBe(404);
  });

  it('answers invalid bodies with 400 naming the field', async () => {
    const bad = await call('PUT', '/providers/bad', { api_base_url: 'not a url', timeoutMs: 'soon' });
    expect(bad.status).toBe(400);
    expect(bad.body?.['error']).toBe('Validation failed');
    const paths = (bad.body?.['details'] as Array<{ path: string[] }>).map((detail) => detail.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['api_base_url', 'timeoutMs']));

    const badAlias = await call('PUT', '/aliases/a', {
      target_groups: [{ name: 'g', selector: 'fastest', targets: [] }],
    });
    expect(badAlias.status).toBe(400);
    expect(JSON.stringify(badAlias.body)).toContain('selector');

    const malformed = await fetch(`${gateway.url}/v0/management/keys/k`, {
      method: 'PUT',
      headers: { 'x-admin-key': ADMIN_KEY, 'content-type': 'application/json' },
      body: '{"secret": ',
    });
    expect(malformed.status).toBe(400);
  });

  it('refuses alias targets on unknown providers and cascades provider deletion', async () => {
    await call('PUT', '/providers/p1', { api_base_url: 'http://127.0.0.1:9/v1' });
    const unknown = await call('PUT', '/aliases/a1', {
      target_groups: [{ name: 'g', selector: 'random', targets: [{ provider: 'nope', model: 'm' }] }],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body?.['details']).toEqual([expect.objectContaining({ message: "Unknown provider 'nope'" })]);

    // the reference's legacy flat shape becomes a `default` group
    expect(
      (await call('PUT', '/aliases/a1', { selector: 'in_order', targets: [{ provider: 'p1', model: 'm' }] })).status,
    ).toBe(200);
    expect((await call('GET', '/aliases/a1')).body).toMatchObject({
      target_groups: [{ name: 'default', selector: 'in_order', targets: [{ provider: 'p1', model: 'm' }] }],
    });

    expect((await call('DELETE', '/providers/p1')).status).toBe(409);
    expect((await call('DELETE', '/providers/p1?cascade=true')).body).toEqual({
      success: true,
      provider: 'p1',
      removedTargets: ['p1/m'],
      affectedAliases: ['a1'],
    });
    expect((await call('DELETE', '/models/a1')).body).toEqual({ success: true });
    expect((await call('DELETE', '/aliases/a1')).status).toBe(404);
  });

  it('manages keys: masked secrets, immutable expiry, disable, unique secrets', async () => {
    expect(
      await call('PUT', '/keys/team', {
        secret: 'sk-team-secret-value',
        comment: 'team',
        expiresInMinutes: 60,
        allowedModels: ['fast'],
      }),
    ).toEqual({
      status: 200,
      body: { success: true, name: 'team' },
    });
    const key = (await call('GET', '/keys/team')).body!;
    expect(key).toMatchObject({
      secret: 'sk-...alue',
      comment: 'team',
      allowedModels: ['fast'],
      expiresAt: expect.any(Number),
    });
    expect(JSON.stringify((await call('GET', '/keys')).body)).not.toContain('team-secret');

    expect((await call('PATCH', '/keys/team', { expiresInMinutes: 5 })).status).toBe(400);
    expect((await call('PATCH', '/keys/team', { comment: 'renamed' })).status).toBe(200);
    expect((await call('GET', '/keys/team')).body).toMatchObject({ comment: 'renamed', allowedModels: ['fast'] });
    expect((await call('PUT', '/keys/other', { secret: 'sk-team-secret-value' })).status).toBe(400);
    expect((await call('PUT', '/keys/bad*name', { secret: 'sk-x' })).status).toBe(400);

    expect((await call('POST', '/keys/team/disable')).body).toEqual({ success: true });
    expect((await call('GET', '/keys/team')).body).toMatchObject({ disabledAt: expect.any(Number) });
    const refused = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-team-secret-value', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fast', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ error: { message: 'API key is disabled', type: 'auth_error', code: 401 } });

    expect((await call('DELETE', '/keys/team')).body).toEqual({ success: true });
    expect((await call('GET', '/keys/team')).status).toBe(404);
  });

  it('lets an API key sign in as a limited principal that sees only its own usage', async () => {
    expect(
      (await call('PUT', '/keys/limited-one', { secret: 'sk-limited-one-secret', allowedModels: ['m1'] })).status,
    ).toBe(200);
    expect(await call('GET', '/auth/verify')).toEqual({ status: 200, body: { ok: true, role: 'admin' } });
    expect(await call('GET', '/auth/verify', undefined, 'sk-limited-one-secret')).toEqual({
      status: 200,
      body: {
        ok: true,
        role: 'limited',
        keyName: 'limited-one',
        allowedProviders: [],
        allowedModels: ['m1'],
        quotaName: null,
      },
    });
    expect((await call('GET', '/auth/verify', undefined, 'sk-unknown')).status).toBe(401);

    // Admin-only routes refuse it with 403; its own usage answers, scoped to its key whatever it asks.
    expect(await call('GET', '/providers', undefined, 'sk-limited-one-secret')).toEqual({
      status: 403,
      body: { error: { message: 'Forbidden: admin only', type: 'forbidden', code: 403 } },
    });
    const own = await call('GET', '/usage?apiKey=someone-else', undefined, 'sk-limited-one-secret');
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ data: [], total: 0 });
    expect((await call('GET', '/usage/summary', undefined, 'sk-limited-one-secret')).status).toBe(200);
    expect((await call('DELETE', '/usage', undefined, 'sk-limited-one-secret')).status).toBe(403);
  });
});
