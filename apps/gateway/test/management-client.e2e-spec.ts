import {
  ScriptedUpstream,
  chatCompletionBody,
  createManagementClient,
  startGateway,
  type GatewayProcess,
} from '@plexus/testing';
import OpenAI from 'openai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ADMIN_KEY = 'generated-client-admin';

describe('a client generated from our OpenAPI document configures a working gateway', () => {
  let dataDir: string;
  let upstream: ScriptedUpstream;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'plexus-client-'));
    upstream = await ScriptedUpstream.start();
    upstream.script((request) => ({
      kind: 'json',
      status: 200,
      body: chatCompletionBody({
        model: String((request.body as { model?: unknown }).model),
        content: 'configured by the generated client',
      }),
    }));
    gateway = await startGateway({ ADMIN_KEY, DATA_DIR: dataDir });
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    await upstream?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates a provider, an alias and a key that then serve a request', async () => {
    const management = createManagementClient(gateway.url, ADMIN_KEY);

    const provider = await management.PUT('/v0/management/providers/{slug}', {
      params: { path: { slug: 'scripted' } },
      body: { api_base_url: `${upstream.url}/v1`, api_key: 'sk-upstream-from-client', models: ['upstream-model'] },
    });
    expect(provider.response.status).toBe(200);
    expect(provider.data).toEqual({ success: true, slug: 'scripted' });

    const alias = await management.PUT('/v0/management/aliases/{slug}', {
      params: { path: { slug: 'client-made' } },
      body: {
        target_groups: [
          { name: 'only', selector: 'in_order', targets: [{ provider: 'scripted', model: 'upstream-model' }] },
        ],
      },
    });
    expect(alias.response.status).toBe(200);

    const key = await management.PUT('/v0/management/keys/{name}', {
      params: { path: { name: 'client-made' } },
      body: { secret: 'sk-made-by-generated-client' },
    });
    expect(key.data).toEqual({ success: true, name: 'client-made' });

    const read = await management.GET('/v0/management/keys/{name}', { params: { path: { name: 'client-made' } } });
    expect(read.response.status).toBe(200);
    expect(JSON.stringify(read.data)).not.toContain('made-by-generated-client');

    const openai = new OpenAI({ apiKey: 'sk-made-by-generated-client', baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    const completion = await openai.chat.completions.create({
      model: 'client-made',
      messages: [{ role: 'user', content: 'hello' }],
    });
    expect(completion.choices[0]?.message.content).toBe('configured by the generated client');
    expect(upstream.requests.at(-1)?.headers['authorization']).toBe('Bearer sk-upstream-from-client');
  });

  it('is refused without the admin key', async () => {
    const stranger = createManagementClient(gateway.url, 'not-the-admin-key');
    const { response, error } = await stranger.GET('/v0/management/providers');
    expect(response.status).toBe(401);
    expect(error).toEqual({ error: { message: 'Unauthorized', type: 'auth_error', code: 401 } });
  });
});
