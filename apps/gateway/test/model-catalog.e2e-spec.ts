import {
  callManagement,
  ScriptedUpstream,
  chatCompletionBody,
  chatStreamEvents,
  createTestDatabase,
  startGateway,
  type GatewayProcess,
  type TestDatabase,
  waitForUsageRow,
} from '@plexus/testing';

const ADMIN_KEY = 'catalog-admin';
const KEY = 'sk-catalog-client';

/** A model whose window the prompt exceeds: the upstream refuses it as OpenAI does. */
const TOO_LONG = new Set(['tiny-ctx', 'gpt-4o']);

/**
 * The model catalog: default prices for provider models that configure none, context
 * windows for context-length failover, the public metadata endpoints, and the run-time
 * refresh (from a scripted catalog server, as models.dev and OpenRouter would answer).
 */
describe('model catalog through the built gateway', () => {
  let database: TestDatabase;
  let upstream: ScriptedUpstream;
  let catalogServer: ScriptedUpstream;
  let gateway: GatewayProcess;

  const admin = (method: string, path: string, body?: unknown): Promise<Response> =>
    callManagement(gateway.url, ADMIN_KEY, method, path, body);

  const chat = async (model: string, stream = false): Promise<Response> =>
    fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'a long prompt' }] }),
    });

  const usageRow = (requestId: string): Promise<Record<string, unknown>> => waitForUsageRow(database.url, requestId);

  const answeredModels = (): string[] => upstream.requests.map((request) => (request.body as { model: string }).model);

  beforeAll(async () => {
    [database, upstream, catalogServer] = await Promise.all([
      createTestDatabase(),
      ScriptedUpstream.start(),
      ScriptedUpstream.start(),
    ]);
    gateway = await startGateway({
      ADMIN_KEY,
      DATABASE_URL: database.url,
      MODEL_CATALOG_REFRESH: 'false',
      MODEL_CATALOG_MODELS_DEV_URL: `${catalogServer.url}/api.json`,
      MODEL_CATALOG_OPENROUTER_URL: `${catalogServer.url}/api/v1/models`,
    });
    await admin('PUT', '/providers/p', {
      api_base_url: `${upstream.url}/v1`,
      api_key: 'sk-upstream',
      timeoutMs: 2000,
      models: {
        'tiny-ctx': { context_length: 8000 },
        'mid-ctx': { context_length: 4000 },
        'big-ctx': { context_length: 32000 },
        'no-window': {},
        'gpt-4o': {},
        'gpt-4o-mini': {},
        'gpt-4.1': {},
        'priced-model': { pricing: { source: 'simple', input: 1, output: 2 } },
      },
    });
    const chain = (models: string[]): unknown => ({
      target_groups: [
        { name: 'only', selector: 'in_order', targets: models.map((model) => ({ provider: 'p', model })) },
      ],
    });
    await admin('PUT', '/aliases/configured-windows', chain(['tiny-ctx', 'mid-ctx', 'big-ctx']));
    await admin('PUT', '/aliases/catalog-windows', chain(['gpt-4o', 'gpt-4o-mini', 'gpt-4.1']));
    await admin('PUT', '/aliases/unknown-window', chain(['tiny-ctx', 'no-window', 'big-ctx']));
    await admin('PUT', '/aliases/nothing-larger', chain(['tiny-ctx', 'mid-ctx']));
    await admin('PUT', '/keys/catalog', { secret: KEY });
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([upstream?.stop(), catalogServer?.stop()]);
    await database?.drop();
  });

  beforeEach(() => {
    upstream.requests.length = 0;
    upstream.script((request) => {
      const model = (request.body as { model: string; stream?: boolean }).model;
      if (TOO_LONG.has(model)) {
        return {
          kind: 'json',
          status: 400,
          body: {
            error: {
              message: "This model's maximum context length is 8192 tokens",
              type: 'invalid_request_error',
              code: 'context_length_exceeded',
            },
          },
        };
      }
      if ((request.body as { stream?: boolean }).stream) {
        return {
          kind: 'sse',
          events: chatStreamEvents({ model, pieces: ['from ', model], promptTokens: 1000, completionTokens: 500 }),
        };
      }
      return {
        kind: 'json',
        body: chatCompletionBody({ model, content: `from ${model}`, promptTokens: 1000, completionTokens: 500 }),
      };
    });
  });

  describe('context-length failover goes only to larger windows', () => {
    it('windows configured on the provider models: a smaller one is skipped (and recorded so), a larger one answers', async () => {
      const response = await chat('configured-windows');
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('from big-ctx');
      expect(answeredModels()).toEqual(['tiny-ctx', 'big-ctx']);
      const row = await usageRow(response.headers.get('x-request-id') ?? '');
      expect(row['retry_history']).toEqual([
        expect.objectContaining({ model: 'tiny-ctx', status: 'failed' }),
        expect.objectContaining({
          model: 'mid-ctx',
          status: 'skipped',
          reason: expect.stringMatching(/^context_window/),
        }),
        expect.objectContaining({ model: 'big-ctx', status: 'success' }),
      ]);
    });

    it('windows from the catalog: gpt-4o (128k) refused, gpt-4o-mini (also 128k) skipped, gpt-4.1 (1M) answers', async () => {
      const response = await chat('catalog-windows', true);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('gpt-4.1');
      expect(answeredModels()).toEqual(['gpt-4o', 'gpt-4.1']);
    });

    it('a target whose window is unknown is tried', async () => {
      const response = await chat('unknown-window');
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('from no-window');
      expect(answeredModels()).toEqual(['tiny-ctx', 'no-window']);
    });

    it('with no larger window left, the client gets the context-length error (with the overhead header)', async () => {
      const response = await chat('nothing-larger');
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('maximum context length');
      expect(answeredModels()).toEqual(['tiny-ctx']);
      expect(Number(response.headers.get('x-plexus-overhead-ms'))).toBeGreaterThanOrEqual(0);
    });
  });

  describe('default prices', () => {
    it.each([false, true])(
      'a provider model without pricing is priced from the catalog, cost source "catalog" (stream: %s)',
      async (stream) => {
        const response = await chat('direct/p/gpt-4o-mini', stream);
        expect(response.status).toBe(200);
        await response.text();
        const row = await usageRow(response.headers.get('x-request-id') ?? '');
        // gpt-4o-mini in the snapshot: $0.15 in, $0.60 out per million tokens.
        expect(row).toMatchObject({
          cost_input: 0.00015,
          cost_output: 0.0003,
          cost_total: 0.00045,
          cost_source: 'catalog',
        });
      },
    );

    it('configured pricing wins over the catalog', async () => {
      const response = await chat('direct/p/priced-model');
      await response.text();
      expect(await usageRow(response.headers.get('x-request-id') ?? '')).toMatchObject({
        cost_total: 0.002,
        cost_source: 'simple',
      });
    });
  });

  describe('the overhead header on legacy completions', () => {
    it.each([false, true])('stream: %s', async (stream) => {
      const response = await fetch(`${gateway.url}/v1/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'direct/p/big-ctx', prompt: 'Say hi', stream }),
      });
      expect(response.status).toBe(200);
      await response.text();
      expect(response.headers.get('x-plexus-overhead-ms')).toMatch(/^\d+\.\d\d$/);
      expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('answers that never reach an upstream carry it too: token counts, model lists, refusals', async () => {
      const auth = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
      const answers = await Promise.all([
        fetch(`${gateway.url}/v1/messages/count_tokens`, {
          method: 'POST',
          headers: auth,
          body: JSON.stringify({ model: 'direct/p/big-ctx', messages: [{ role: 'user', content: 'hi' }] }),
        }),
        fetch(`${gateway.url}/v1/models`, { headers: auth }),
        fetch(`${gateway.url}/v1/chat/completions`, {
          method: 'POST',
          headers: auth,
          body: JSON.stringify({ model: 'no-such-alias', messages: [] }),
        }),
      ]);
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 400]);
      for (const answer of answers) expect(answer.headers.get('x-plexus-overhead-ms')).toMatch(/^\d+\.\d\d$/);
    });
  });

  describe('metadata endpoints (public)', () => {
    it('search and lookup the shipped models.dev snapshot', async () => {
      const search = await fetch(`${gateway.url}/v1/metadata/search?source=models.dev&q=claude-sonnet-4-2&limit=5`);
      expect(search.status).toBe(200);
      expect(await search.json()).toEqual({
        data: [{ id: 'anthropic/claude-sonnet-4-20250514', name: 'Claude Sonnet 4' }],
        count: 1,
      });
      const lookup = await fetch(`${gateway.url}/v1/metadata/lookup?source=models.dev&source_path=openai/gpt-4.1`);
      expect(await lookup.json()).toMatchObject({
        data: {
          name: 'GPT-4.1',
          context_length: 1047576,
          pricing: { prompt: 2, completion: 8, input_cache_read: 0.5 },
        },
      });
    });

    it('answers 400 for a bad source, 404 for an unknown entry, 503 for a source not loaded', async () => {
      const unknownSource = await fetch(`${gateway.url}/v1/metadata/search?source=nope`);
      expect(unknownSource.status).toBe(400);
      expect(await unknownSource.json()).toMatchObject({
        error: { message: expect.stringContaining('source must be one of') },
      });
      expect((await fetch(`${gateway.url}/v1/metadata/search?source=models.dev&limit=500`)).status).toBe(400);
      expect((await fetch(`${gateway.url}/v1/metadata/lookup?source=models.dev&source_path=acme/nothing`)).status).toBe(
        404,
      );
      expect((await fetch(`${gateway.url}/v1/metadata/search?source=openrouter`)).status).toBe(503);
      expect((await fetch(`${gateway.url}/v1/metadata/search?source=catwalk`)).status).toBe(503);
    });
  });

  describe('resolving an unsaved alias (admin)', () => {
    const resolve = async (body: unknown): Promise<Response> => admin('POST', '/models/metadata/resolve', body);

    it('takes the first enabled target as the canonical model and finds it in the catalog', async () => {
      const response = await resolve({
        alias_id: 'draft',
        model: {
          target_groups: [
            {
              name: 'g',
              selector: 'in_order',
              targets: [
                { provider: 'p', model: 'tiny-ctx', enabled: false },
                { provider: 'p', model: 'gpt-4o' },
              ],
            },
          ],
        },
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        canonical_model: { provider: 'p', model: 'gpt-4o', basis: 'target' },
        pi_model: null,
        metadata: { source: 'models.dev', source_path: 'openai/gpt-4o', name: 'GPT-4o' },
        preferred_api: null,
      });
    });

    it("uses the alias' own metadata source and pi_model, and refuses an invalid alias", async () => {
      const response = await resolve({
        alias_id: 'draft',
        model: {
          target_groups: [{ name: 'g', selector: 'random', targets: [] }],
          pi_model: { provider: 'anthropic', model_id: 'claude-sonnet-4-5' },
          metadata: { source: 'models.dev', source_path: 'anthropic/claude-sonnet-4-20250514' },
          preferred_api: ['messages'],
        },
      });
      expect(await response.json()).toEqual({
        canonical_model: { provider: 'anthropic', model: 'claude-sonnet-4-5', basis: 'pi_model' },
        pi_model: { provider: 'anthropic', model_id: 'claude-sonnet-4-5', name: 'claude-sonnet-4-5' },
        metadata: { source: 'models.dev', source_path: 'anthropic/claude-sonnet-4-20250514', name: 'Claude Sonnet 4' },
        preferred_api: ['messages'],
      });
      expect((await resolve({ alias_id: 'draft', model: { target_groups: [] } })).status).toBe(400);
      expect((await resolve({ model: {} })).status).toBe(400);
    });
  });

  describe('refresh at run time', () => {
    it('loads models.dev and OpenRouter from their URLs; a failed refresh keeps what was loaded', async () => {
      catalogServer.script((request) =>
        request.path === '/api.json'
          ? {
              kind: 'json',
              body: {
                acme: {
                  id: 'acme',
                  name: 'Acme',
                  models: {
                    'rocket-1': {
                      id: 'rocket-1',
                      name: 'Rocket 1',
                      cost: { input: 4, output: 8 },
                      limit: { context: 50000, output: 4096 },
                    },
                  },
                },
              },
            }
          : {
              kind: 'json',
              body: {
                data: [
                  {
                    id: 'acme/rocket-2',
                    name: 'Acme: Rocket 2',
                    context_length: 64000,
                    pricing: { prompt: '0.000001', completion: '0.000002' },
                  },
                ],
              },
            },
      );
      const refreshed = await admin('POST', '/models/metadata/refresh');
      expect(refreshed.status).toBe(200);
      expect(await refreshed.json()).toMatchObject({
        success: true,
        trigger: 'manual',
        hadErrors: false,
        intervalMinutes: 60,
        sources: {
          modelsDev: { source: 'models.dev', initialized: true, count: 1 },
          openrouter: { source: 'openrouter', initialized: true, count: 1 },
          catwalk: { source: 'catwalk', initialized: false, count: 0 },
        },
      });
      expect(catalogServer.requests.map((request) => request.path).sort()).toEqual(['/api.json', '/api/v1/models']);

      // The refreshed catalog prices a model it now knows.
      await admin('PUT', '/providers/p', {
        api_base_url: `${upstream.url}/v1`,
        api_key: 'sk-upstream',
        models: ['rocket-1'],
      });
      const priced = await chat('direct/p/rocket-1');
      await priced.text();
      expect(await usageRow(priced.headers.get('x-request-id') ?? '')).toMatchObject({
        cost_total: 0.008,
        cost_source: 'catalog',
      });

      catalogServer.script(() => ({ kind: 'json', status: 500, body: { error: 'down' } }));
      const failed = (await (await admin('POST', '/models/metadata/refresh')).json()) as Record<string, unknown>;
      expect(failed).toMatchObject({
        success: false,
        hadErrors: true,
        sources: {
          modelsDev: { initialized: true, count: 1, error: 'HTTP 500' },
          openrouter: { initialized: true, count: 1, error: 'HTTP 500' },
        },
      });
      const kept = await fetch(`${gateway.url}/v1/metadata/lookup?source=openrouter&source_path=acme/rocket-2`);
      expect(await kept.json()).toMatchObject({
        data: { name: 'Acme: Rocket 2', context_length: 64000, pricing: { prompt: 1, completion: 2 } },
      });
    });

    it('is admin-only', async () => {
      const response = await fetch(`${gateway.url}/v0/management/models/metadata/refresh`, {
        method: 'POST',
        headers: { 'x-admin-key': KEY },
      });
      expect([401, 403]).toContain(response.status);
    });
  });
});
