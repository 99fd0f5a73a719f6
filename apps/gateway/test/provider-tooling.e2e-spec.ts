import { ScriptedUpstream, chatCompletionBody, startGateway, type GatewayProcess } from '@plexus/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ADMIN_KEY = 'provider-tooling-admin';

describe('provider tooling: fetch-models and test', () => {
  let dataDir: string;
  let upstream: ScriptedUpstream;
  let gateway: GatewayProcess;

  const admin = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${gateway.url}/v0/management${path}`, {
      method,
      headers: { 'x-admin-key': ADMIN_KEY, 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'plexus-tooling-'));
    upstream = await ScriptedUpstream.start();
    upstream.script((request) => {
      if (request.method === 'GET' && request.path.startsWith('/v1/models')) {
        return request.headers['anthropic-version']
          ? {
              kind: 'json',
              body: {
                data: [
                  {
                    id: 'claude-listed',
                    type: 'model',
                    display_name: 'Claude Listed',
                    created_at: '2025-01-01T00:00:00Z',
                  },
                ],
                has_more: false,
              },
            }
          : {
              kind: 'json',
              body: {
                object: 'list',
                data: [{ id: 'gpt-listed', object: 'model', created: 1700000000, owned_by: 'scripted' }],
              },
            };
      }
      if (request.method === 'GET' && request.path.startsWith('/v1beta/models')) {
        return { kind: 'json', body: { models: [{ name: 'models/gemini-listed', displayName: 'Gemini Listed' }] } };
      }
      if (request.method === 'GET' && request.path === '/broken/models')
        return { kind: 'json', status: 401, body: { error: { message: 'bad key' } } };
      if (request.method === 'GET' && request.path === '/garbage/models')
        return { kind: 'json', body: { hello: 'world' } };
      if (request.method === 'POST' && request.path === '/v1/chat/completions') {
        const model = String((request.body as { model?: unknown }).model);
        return model === 'failing'
          ? { kind: 'json', status: 500, body: { error: { message: 'upstream exploded' } } }
          : { kind: 'json', body: chatCompletionBody({ model, content: 'Hello from the probe' }) };
      }
      return { kind: 'json', status: 404, body: { error: 'unscripted' } };
    });
    gateway = await startGateway({ ADMIN_KEY, DATA_DIR: dataDir });
    expect(
      (await admin('PUT', '/providers/openai-like', { api_base_url: `${upstream.url}/v1`, api_key: 'sk-openai-like' }))
        .status,
    ).toBe(200);
    expect(
      (
        await admin('PUT', '/providers/anthropic-like', {
          api_base_url: { messages: upstream.url },
          api_key: 'sk-anthropic-like',
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await admin('PUT', '/providers/gemini-like', {
          api_base_url: { gemini: `${upstream.url}/v1beta` },
          api_key: 'g-gemini-like',
        })
      ).status,
    ).toBe(200);
    expect(
      (await admin('PUT', '/providers/broken', { api_base_url: `${upstream.url}/broken`, api_key: 'sk-x' })).status,
    ).toBe(200);
    expect((await admin('PUT', '/providers/garbage', { api_base_url: `${upstream.url}/garbage` })).status).toBe(200);
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    await upstream?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("lists an existing provider's models through its own API type's listing", async () => {
    expect(await admin('POST', '/providers/fetch-models', { provider: 'openai-like' })).toEqual({
      status: 200,
      body: { data: [{ id: 'gpt-listed', object: 'model', created: 1700000000, owned_by: 'scripted' }] },
    });
    expect(upstream.requests.at(-1)?.headers['authorization']).toBe('Bearer sk-openai-like');

    expect((await admin('POST', '/providers/fetch-models', { provider: 'anthropic-like' })).body).toEqual({
      data: [
        {
          id: 'claude-listed',
          object: 'model',
          created: 1735689600,
          display_name: 'Claude Listed',
          owned_by: 'anthropic',
        },
      ],
    });
    expect(upstream.requests.at(-1)).toMatchObject({
      path: '/v1/models?limit=1000',
      headers: { 'x-api-key': 'sk-anthropic-like', 'anthropic-version': '2023-06-01' },
    });

    expect((await admin('POST', '/providers/fetch-models', { provider: 'gemini-like' })).body).toEqual({
      data: [{ id: 'gemini-listed', object: 'model', display_name: 'Gemini Listed', owned_by: 'google' }],
    });
    expect(upstream.requests.at(-1)?.headers['x-goog-api-key']).toBe('g-gemini-like');
  });

  it('answers upstream failures and unreadable lists, and refuses loopback and metadata URLs', async () => {
    expect((await admin('POST', '/providers/fetch-models', { provider: 'broken' })).status).toBe(502);
    expect((await admin('POST', '/providers/fetch-models', { provider: 'garbage' })).status).toBe(400);
    expect((await admin('POST', '/providers/fetch-models', { provider: 'nope' })).status).toBe(400);
    for (const url of [
      `${upstream.url}/v1/models`,
      'http://localhost:1/v1',
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]:1/v1',
    ]) {
      const refused = await admin('POST', '/providers/fetch-models', { url, apiKey: 'sk-x' });
      expect({ url, status: refused.status }).toEqual({ url, status: 400 });
      expect(JSON.stringify(refused.body)).toContain('url');
    }
    const invalid = await admin('POST', '/providers/fetch-models', { url: 'not a url' });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({
      error: 'Validation failed',
      details: [expect.objectContaining({ path: ['url'] })],
    });
    expect((await admin('POST', '/providers/fetch-models', {})).status).toBe(400);
  });

  it('probes a provider model with one tiny request', async () => {
    const ok = await admin('POST', '/test', { provider: 'openai-like', model: 'probe-model' });
    expect(ok).toEqual({
      status: 200,
      body: { success: true, durationMs: expect.any(Number), apiType: 'chat', response: 'Hello from the probe' },
    });
    expect(upstream.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: '/v1/chat/completions',
      body: { model: 'probe-model' },
    });

    const failed = await admin('POST', '/test', { provider: 'openai-like', model: 'failing' });
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({
      success: false,
      apiType: 'chat',
      error: expect.stringContaining('upstream exploded'),
    });

    // Real requests: both are in the usage records, as the probe's.
    const deadline = Date.now() + 10_000;
    let probes: Array<Record<string, unknown>> = [];
    while (Date.now() < deadline && probes.length < 2) {
      probes = (await admin('GET', '/usage?apiKey=probe')).body['data'] as Array<Record<string, unknown>>;
      if (probes.length < 2) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(probes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          apiKey: 'probe',
          attribution: 'manual',
          provider: 'openai-like',
          selectedModelName: 'probe-model',
          responseStatus: 'success',
        }),
        expect.objectContaining({
          apiKey: 'probe',
          attribution: 'manual',
          selectedModelName: 'failing',
          responseStatus: 'error',
          httpStatus: 500,
        }),
      ]),
    );

    expect((await admin('POST', '/test', { provider: 'nope', model: 'x' })).status).toBe(400);
    expect(
      (await admin('POST', '/test', { provider: 'openai-like', model: 'x', apiType: 'transcriptions' })).status,
    ).toBe(400);
    expect((await admin('POST', '/test', { provider: 'openai-like' })).body).toMatchObject({
      details: expect.arrayContaining([expect.objectContaining({ path: ['model'] })]),
    });
  });
});
