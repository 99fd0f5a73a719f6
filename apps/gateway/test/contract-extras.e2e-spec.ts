import {
  callManagement,
  chatCompletionBody,
  chatStreamEvents,
  createTestDatabase,
  ScriptedUpstream,
  startGateway,
  waitForUsageRow,
  type GatewayProcess,
  type TestDatabase,
} from '@plexus/testing';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ADMIN_KEY = 'extras-admin';
const KEY = 'sk-extras-client';

const MANAGED_CONFIG = `
providers:
  from-file:
    api_base_url: http://127.0.0.1:9/v1
    api_key: sk-file
    models: [m]
models:
  pinned:
    target_groups:
      - name: main
        selector: in_order
        targets:
          - { provider: from-file, model: m }
`;

/** Reference routes whose feature existed without them: served with the contract's shapes, statuses and auth. */
describe('contract extras on the built gateway', () => {
  let database: TestDatabase;
  let upstream: ScriptedUpstream;
  let catalogServer: ScriptedUpstream;
  let gateway: GatewayProcess;
  let configDirectory: string;

  const admin = (method: string, path: string, body?: unknown): Promise<Response> =>
    callManagement(gateway.url, ADMIN_KEY, method, path, body);

  beforeAll(async () => {
    configDirectory = mkdtempSync(join(tmpdir(), 'plexus-extras-'));
    const configFile = join(configDirectory, 'plexus.yaml');
    writeFileSync(configFile, MANAGED_CONFIG);
    [database, upstream, catalogServer] = await Promise.all([
      createTestDatabase(),
      ScriptedUpstream.start(),
      ScriptedUpstream.start(),
    ]);
    gateway = await startGateway({
      ADMIN_KEY,
      DATABASE_URL: database.url,
      PLEXUS_CONFIG: configFile,
      MODEL_CATALOG_OPENROUTER_URL: `${catalogServer.url}/api/v1/models`,
      MODEL_CATALOG_MODELS_DEV_URL: `${catalogServer.url}/api.json`,
    });
    expect(
      (
        await admin('PUT', '/providers/p', {
          api_base_url: `${upstream.url}/v1`,
          api_key: 'sk-upstream',
          models: ['gpt-up'],
        })
      ).status,
    ).toBe(200);
    expect((await admin('PUT', '/keys/extras', { secret: KEY })).status).toBe(200);
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([upstream?.stop(), catalogServer?.stop()]);
    await database?.drop();
    rmSync(configDirectory, { recursive: true, force: true });
  });

  describe('GET /.well-known/plexus/openapi.json', () => {
    it('serves our complete document publicly, tagged, and answers 304 to a matching If-None-Match', async () => {
      const response = await fetch(`${gateway.url}/.well-known/plexus/openapi.json`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('application/json');
      expect(response.headers.get('cache-control')).toBe('public, no-cache');
      const text = await response.text();
      const etag = response.headers.get('etag') ?? '';
      expect(etag).toBe(`"${createHash('sha256').update(text).digest('hex')}"`);
      const document = JSON.parse(text) as { openapi: string; paths: Record<string, unknown> };
      expect(document.openapi).toMatch(/^3\./);
      expect(Object.keys(document.paths)).toEqual(
        expect.arrayContaining([
          '/v1/chat/completions',
          '/v0/management/restart',
          '/v1/openrouter/models',
          '/v1/conversations/{conversation_id}',
          '/raw/{provider}/{path}',
        ]),
      );

      const cached = await fetch(`${gateway.url}/.well-known/plexus/openapi.json`, {
        headers: { 'if-none-match': `"stale", ${etag}` },
      });
      expect(cached.status).toBe(304);
      expect(cached.headers.get('etag')).toBe(etag);
      expect(await cached.text()).toBe('');
      expect(
        (await fetch(`${gateway.url}/.well-known/plexus/openapi.json`, { headers: { 'if-none-match': '"stale"' } }))
          .status,
      ).toBe(200);
      expect(
        (await fetch(`${gateway.url}/.well-known/plexus/openapi.json`, { headers: { 'if-none-match': 'not-a-tag' } }))
          .status,
      ).toBe(400);
    });
  });

  describe('GET /v1/openrouter/models', () => {
    it('is 503 until the OpenRouter catalog has loaded, then lists its slugs (filtered by ?q) with ETag and Last-Modified', async () => {
      const before = await fetch(`${gateway.url}/v1/openrouter/models`);
      expect(before.status).toBe(503);
      expect(await before.json()).toMatchObject({
        error: { message: 'The OpenRouter catalog has not loaded yet', type: 'api_error' },
      });

      catalogServer.script((request) =>
        request.path === '/api.json'
          ? {
              kind: 'json',
              body: {
                acme: { id: 'acme', name: 'Acme', models: { 'rocket-1': { id: 'rocket-1', name: 'Rocket 1' } } },
              },
            }
          : {
              kind: 'json',
              body: {
                data: [
                  {
                    id: 'openai/gpt-4o',
                    name: 'OpenAI: GPT-4o',
                    pricing: { prompt: '0.0000025', completion: '0.00001' },
                  },
                  {
                    id: 'anthropic/claude-sonnet-4.5',
                    name: 'Anthropic: Claude Sonnet 4.5',
                    pricing: { prompt: '0.000003', completion: '0.000015' },
                  },
                  {
                    id: 'openai/gpt-4o-mini',
                    name: 'OpenAI: GPT-4o mini',
                    pricing: { prompt: '0.00000015', completion: '0.0000006' },
                  },
                ],
              },
            },
      );
      expect((await admin('POST', '/models/metadata/refresh')).status).toBe(200);

      const all = await fetch(`${gateway.url}/v1/openrouter/models`);
      expect(all.status).toBe(200);
      const text = await all.text();
      expect(JSON.parse(text)).toEqual({
        data: ['anthropic/claude-sonnet-4.5', 'openai/gpt-4o', 'openai/gpt-4o-mini'],
        count: 3,
      });
      const etag = all.headers.get('etag') ?? '';
      expect(etag).toBe(`"${createHash('sha256').update(text).digest('hex')}"`);
      const lastModified = all.headers.get('last-modified') ?? '';
      expect(Number.isNaN(Date.parse(lastModified))).toBe(false);

      const filtered = await fetch(`${gateway.url}/v1/openrouter/models?q=GPT-4O`);
      expect(await filtered.json()).toEqual({ data: ['openai/gpt-4o', 'openai/gpt-4o-mini'], count: 2 });
      expect(filtered.headers.get('etag')).not.toBe(etag);

      expect((await fetch(`${gateway.url}/v1/openrouter/models`, { headers: { 'if-none-match': etag } })).status).toBe(
        304,
      );
      expect(
        (await fetch(`${gateway.url}/v1/openrouter/models`, { headers: { 'if-modified-since': lastModified } })).status,
      ).toBe(304);
      const older = new Date(Date.parse(lastModified) - 60_000).toUTCString();
      expect(
        (await fetch(`${gateway.url}/v1/openrouter/models`, { headers: { 'if-modified-since': older } })).status,
      ).toBe(200);
      // If-None-Match decides when both are sent.
      expect(
        (
          await fetch(`${gateway.url}/v1/openrouter/models`, {
            headers: { 'if-none-match': '"old"', 'if-modified-since': lastModified },
          })
        ).status,
      ).toBe(200);
      // Unchanged content keeps its Last-Modified.
      expect((await fetch(`${gateway.url}/v1/openrouter/models`)).headers.get('last-modified')).toBe(lastModified);
    });
  });

  describe('GET /v1/conversations/{conversation_id}', () => {
    const respond = (body: Record<string, unknown>, key = KEY): Promise<Response> =>
      fetch(`${gateway.url}/v1/responses`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'direct/p/gpt-up', ...body }),
      });
    const conversation = (id: string, key = KEY): Promise<Response> =>
      fetch(`${gateway.url}/v1/conversations/${id}`, { headers: { authorization: `Bearer ${key}` } });

    it("keeps the turns of a conversation, continues it, and serves its items per key; 404 in OpenAI's shape otherwise", async () => {
      upstream.requests.length = 0;
      let turn = 0;
      upstream.script(() => ({
        kind: 'json',
        body: chatCompletionBody({ model: 'gpt-up', content: `answer ${++turn}` }),
      }));

      expect((await conversation('conv_extras')).status).toBe(404);
      expect(await (await conversation('conv_extras')).json()).toMatchObject({
        error: {
          message: "Conversation with id 'conv_extras' not found.",
          type: 'invalid_request_error',
          code: 'conversation_not_found',
        },
      });

      const first = await respond({ conversation: 'conv_extras', input: 'first question', store: false });
      expect(first.status).toBe(200);
      const second = await respond({
        conversation: { id: 'conv_extras' },
        input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'second question' }] }],
      });
      expect(second.status).toBe(200);
      const secondBody = (await second.json()) as { output: Array<Record<string, unknown>> };

      // The second turn reached the provider with the first turn before it.
      const sent = (upstream.requests[1]?.body as { messages: Array<{ role: string; content: unknown }> }).messages;
      expect(JSON.stringify(sent)).toMatch(/first question.*answer 1.*second question/);

      const stored = await conversation('conv_extras');
      expect(stored.status).toBe(200);
      const body = (await stored.json()) as {
        id: string;
        object: string;
        created_at: number;
        items: Array<Record<string, unknown>>;
      };
      expect(body).toMatchObject({ id: 'conv_extras', object: 'conversation', created_at: expect.any(Number) });
      expect(body.items).toHaveLength(4);
      expect(body.items[0]).toEqual({
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: 'first question' }],
      });
      expect(JSON.stringify(body.items[1])).toContain('answer 1');
      expect(body.items[2]).toMatchObject({ role: 'user', content: [{ text: 'second question' }] });
      expect(body.items[3]).toEqual(secondBody.output[0]);

      // Another key sees nothing; both continuation styles at once are refused.
      expect((await admin('PUT', '/keys/other-extras', { secret: 'sk-extras-other' })).status).toBe(200);
      expect((await conversation('conv_extras', 'sk-extras-other')).status).toBe(404);
      const both = await respond({ conversation: 'conv_extras', previous_response_id: 'resp_x', input: 'x' });
      expect(both.status).toBe(400);
      expect(await both.json()).toMatchObject({ error: { param: 'conversation' } });
      expect((await respond({ conversation: 42, input: 'x' })).status).toBe(400);
      expect((await fetch(`${gateway.url}/v1/conversations/conv_extras`)).status).toBe(401);
    });
  });

  describe('/raw/{provider}/{path}', () => {
    const RAW_KEY = 'sk-extras-raw';
    const rawCall = (path: string, init: RequestInit = {}, key: string | null = RAW_KEY): Promise<Response> =>
      fetch(`${gateway.url}/raw${path}`, {
        ...init,
        headers: {
          ...(key !== null && { authorization: `Bearer ${key}` }),
          ...(init.headers as Record<string, string>),
        },
      });

    beforeAll(async () => {
      expect(
        (
          await admin('PUT', '/providers/rawp', {
            api_base_url: `${upstream.url}/v1`,
            api_key: 'sk-provider-raw-secret',
            models: ['m'],
            raw_passthrough: { enabled: true, base_url: `${upstream.url}/api/`, auth: 'x-api-key' },
          })
        ).status,
      ).toBe(200);
      expect(
        (
          await admin('PUT', '/providers/notraw', {
            api_base_url: `${upstream.url}/v1`,
            api_key: 'sk-x',
            models: ['m'],
          })
        ).status,
      ).toBe(200);
      expect(
        (await admin('PUT', '/keys/raw', { secret: RAW_KEY, allowRawPassthrough: true, excludedProviders: ['p'] }))
          .status,
      ).toBe(200);
      expect(
        (
          await admin('PUT', '/providers/bad-raw', {
            api_base_url: `${upstream.url}/v1`,
            raw_passthrough: { enabled: true, base_url: 'ftp://x?y' },
          })
        ).status,
      ).toBe(400);
    });

    it('relays method, path, query and body bytes with the provider key instead of the client credentials, and the answer unchanged', async () => {
      upstream.requests.length = 0;
      upstream.script(() => ({
        kind: 'json',
        status: 201,
        headers: { 'x-upstream-thing': 'kept' },
        body: { id: 'msg_1', model: 'claude-x', usage: { input_tokens: 11, output_tokens: 7 } },
      }));
      const payload = '{ "model":"claude-x",   "max_tokens": 5, "messages": [] }';
      const response = await rawCall('/rawp/v1/messages?beta=true&x=%2F', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'anthropic-version': '2023-06-01',
          'x-admin-key': 'not-for-upstream',
          'x-client-request-id': 'raw-1',
        },
        body: payload,
      });
      expect(response.status).toBe(201);
      expect(response.headers.get('x-upstream-thing')).toBe('kept');
      const requestId = response.headers.get('x-plexus-request-id') ?? '';
      expect(requestId).not.toBe('');
      expect(await response.json()).toEqual({
        id: 'msg_1',
        model: 'claude-x',
        usage: { input_tokens: 11, output_tokens: 7 },
      });

      const received = upstream.requests[0];
      expect(received).toMatchObject({ method: 'POST', path: '/api/v1/messages?beta=true&x=%2F' });
      expect(received?.raw.toString('utf8')).toBe(payload);
      expect(received?.headers).toMatchObject({
        'x-api-key': 'sk-provider-raw-secret',
        'anthropic-version': '2023-06-01',
        'content-type': 'application/json',
      });
      expect(received?.headers['authorization']).toBeUndefined();
      expect(received?.headers['x-admin-key']).toBeUndefined();

      expect(await waitForUsageRow(database.url, requestId)).toMatchObject({
        incoming_api_type: 'raw',
        provider: 'rawp',
        http_status: 201,
        response_status: 'success',
        is_passthrough: true,
        tokens_input: 11,
        tokens_output: 7,
        incoming_model_alias: 'claude-x',
        client_request_id: 'raw-1',
      });
    });

    it('streams an SSE answer through, relays upstream errors as they are, and never shows the provider key', async () => {
      upstream.script((request) =>
        request.path.startsWith('/api/v1/chat/completions')
          ? {
              kind: 'sse',
              delayMs: 10,
              events: chatStreamEvents({ model: 'gpt-raw', pieces: ['x', 'y'], promptTokens: 5, completionTokens: 2 }),
            }
          : { kind: 'json', status: 429, body: { error: { message: 'slow down' } } },
      );
      const streamed = await rawCall('/rawp/v1/chat/completions', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"model":"gpt-raw","stream":true,"messages":[]}',
      });
      expect(streamed.status).toBe(200);
      expect(streamed.headers.get('content-type')).toContain('text/event-stream');
      const text = await streamed.text();
      expect(text).toContain('data: [DONE]');
      expect(await waitForUsageRow(database.url, streamed.headers.get('x-plexus-request-id') ?? '')).toMatchObject({
        is_streamed: true,
        tokens_input: 5,
        tokens_output: 2,
      });

      const limited = await rawCall('/rawp/v1/models?key=abc', { headers: {} });
      expect(limited.status).toBe(429);
      expect(await limited.json()).toEqual({ error: { message: 'slow down' } });
      expect(await waitForUsageRow(database.url, limited.headers.get('x-plexus-request-id') ?? '')).toMatchObject({
        http_status: 429,
        response_status: 'error',
      });
      expect(JSON.stringify([...limited.headers])).not.toContain('sk-provider-raw-secret');

      // HEAD: the upstream's headers, no body.
      upstream.script(() => ({ kind: 'json', body: { data: ['a', 'b'] } }));
      const head = await rawCall('/rawp/v1/models', { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-type')).toBe('application/json');
      expect(await head.text()).toBe('');
      expect(upstream.requests.at(-1)?.method).toBe('HEAD');

      // A Plexus key given as ?key= authenticates the client and is not passed on.
      upstream.requests.length = 0;
      upstream.script(() => ({ kind: 'json', status: 429, body: { error: { message: 'slow down' } } }));
      expect((await rawCall(`/rawp/v1beta/models?key=${RAW_KEY}&pageSize=2`, {}, null)).status).toBe(429);
      expect(upstream.requests[0]?.path).toBe('/api/v1beta/models?pageSize=2');
    });

    it('refuses missing keys (401), keys without raw access or with the provider excluded (403), and unknown or non-raw providers (404)', async () => {
      const missing = await rawCall('/rawp/v1/models', {}, null);
      expect(missing.status).toBe(401);
      expect(await missing.json()).toEqual({ error: { message: expect.any(String), type: 'auth_error', code: 401 } });
      const noRaw = await rawCall('/rawp/v1/models', {}, KEY);
      expect(noRaw.status).toBe(403);
      expect(await noRaw.json()).toMatchObject({
        error: { message: 'This API key is not allowed raw provider access' },
      });
      expect((await rawCall('/p/v1/models')).status).toBe(403);
      expect((await rawCall('/notraw/v1/models')).status).toBe(404);
      expect((await rawCall('/nope/v1/models')).status).toBe(404);
      // The key's request quota counts raw requests.
      expect(
        (await admin('PUT', '/user-quotas/raw-daily', { type: 'daily', limitType: 'requests', limit: 1 })).status,
      ).toBe(200);
      expect(
        (
          await admin('PUT', '/keys/raw-quota', {
            secret: 'sk-extras-raw-quota',
            allowRawPassthrough: true,
            quotas: ['raw-daily'],
          })
        ).status,
      ).toBe(200);
      upstream.script(() => ({ kind: 'json', body: { data: [] } }));
      const admitted = await rawCall('/rawp/v1/models', {}, 'sk-extras-raw-quota');
      expect(admitted.status).toBe(200);
      expect(admitted.headers.get('x-plexus-quota')).toBe('raw-daily');
      const refused = await rawCall('/rawp/v1/models', {}, 'sk-extras-raw-quota');
      expect(refused.status).toBe(429);
      expect(await refused.json()).toMatchObject({
        error: { type: 'quota_exceeded', quota_name: 'raw-daily', limit: 1 },
      });

      // (fetch resolves a bare %2e%2e segment itself; one with an encoded slash reaches the gateway.)
      expect((await rawCall('/rawp/v1/%2e%2e%2fadmin')).status).toBe(400);
    });
  });

  describe('DELETE /v0/management/models', () => {
    it("deletes every alias but the config file's, admin only, and is audited", async () => {
      const target = {
        target_groups: [{ name: 'g', selector: 'in_order', targets: [{ provider: 'p', model: 'gpt-up' }] }],
      };
      expect((await admin('PUT', '/aliases/one', target)).status).toBe(200);
      expect((await admin('PUT', '/aliases/two', target)).status).toBe(200);

      const asKeyHolder = await fetch(`${gateway.url}/v0/management/models`, {
        method: 'DELETE',
        headers: { 'x-admin-key': KEY },
      });
      expect(asKeyHolder.status).toBe(403);
      expect((await fetch(`${gateway.url}/v0/management/models`, { method: 'DELETE' })).status).toBe(401);

      const deleted = await admin('DELETE', '/models');
      expect(deleted.status).toBe(200);
      expect(await deleted.json()).toEqual({ success: true, deletedCount: 2 });
      expect(Object.keys((await (await admin('GET', '/aliases')).json()) as Record<string, unknown>)).toEqual([
        'pinned',
      ]);
      expect(await (await admin('DELETE', '/models')).json()).toEqual({ success: true, deletedCount: 0 });

      const audit = (await (await admin('GET', '/audit?limit=500')).json()) as { data: Array<Record<string, unknown>> };
      expect(audit.data).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ method: 'DELETE', path: '/v0/management/models', status: 200 }),
        ]),
      );
    });
  });
});

describe('POST /v0/management/restart on the built gateway', () => {
  let database: TestDatabase;
  let upstream: ScriptedUpstream;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    [database, upstream] = await Promise.all([createTestDatabase(), ScriptedUpstream.start()]);
    gateway = await startGateway({ ADMIN_KEY, DATABASE_URL: database.url });
    const admin = (method: string, path: string, body?: unknown): Promise<Response> =>
      callManagement(gateway.url, ADMIN_KEY, method, path, body);
    expect(
      (
        await admin('PUT', '/providers/p', {
          api_base_url: `${upstream.url}/v1`,
          api_key: 'sk-upstream',
          models: ['gpt-up'],
        })
      ).status,
    ).toBe(200);
    expect((await admin('PUT', '/keys/extras', { secret: KEY })).status).toBe(200);
  });

  afterAll(async () => {
    await gateway?.stop();
    await upstream?.stop();
    await database?.drop();
  });

  const chat = (stream: boolean): Promise<Response> =>
    fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'direct/p/gpt-up', stream, messages: [{ role: 'user', content: 'hi' }] }),
    });

  it('is admin only, answers 200, lets an in-flight stream finish, flushes usage and exits 0', async () => {
    expect(
      (await fetch(`${gateway.url}/v0/management/restart`, { method: 'POST', headers: { 'x-admin-key': KEY } })).status,
    ).toBe(403);
    expect((await fetch(`${gateway.url}/v0/management/restart`, { method: 'POST' })).status).toBe(401);

    upstream.script((request) =>
      (request.body as { stream?: boolean }).stream
        ? {
            kind: 'sse',
            delayMs: 150,
            events: chatStreamEvents({
              model: 'gpt-up',
              pieces: ['a', 'b', 'c', 'd', 'e'],
              promptTokens: 4,
              completionTokens: 5,
            }),
          }
        : {
            kind: 'json',
            body: chatCompletionBody({ model: 'gpt-up', content: 'ok', promptTokens: 3, completionTokens: 2 }),
          },
    );
    const done = await chat(false);
    expect(done.status).toBe(200);
    await done.text();
    const finishedId = done.headers.get('x-request-id') ?? '';

    const inFlight = await chat(true);
    expect(inFlight.status).toBe(200);
    const inFlightId = inFlight.headers.get('x-request-id') ?? '';
    const inFlightText = inFlight.text();

    const restart = await fetch(`${gateway.url}/v0/management/restart`, {
      method: 'POST',
      headers: { 'x-admin-key': ADMIN_KEY },
    });
    expect(restart.status).toBe(200);
    expect(await restart.json()).toEqual({ success: true, message: expect.any(String) });

    expect(await gateway.exited()).toBe(0);
    expect(await inFlightText).toContain('[DONE]');
    await expect(fetch(`${gateway.url}/health`)).rejects.toThrow();
    expect(await waitForUsageRow(database.url, finishedId)).toMatchObject({ http_status: 200 });
    expect(await waitForUsageRow(database.url, inFlightId)).toMatchObject({ http_status: 200 });
  });
});
