import Anthropic from '@anthropic-ai/sdk';
import {
  callManagement,
  chatCompletionBody,
  createTestDatabase,
  ScriptedUpstream,
  startGateway,
  waitForUsageRow,
  type GatewayProcess,
  type TestDatabase,
} from '@plexus/testing';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { Client } from 'pg';

const ADMIN_KEY = 'vision-admin';
const KEY = 'sk-vision-client';
const DESCRIPTION = 'A red square with the word HELLO';
const PROMPT = 'Describe this picture.';

/** Bytes no earlier run described: descriptions may outlive a run in a shared Redis. */
const freshImage = (): string => randomBytes(24).toString('base64');

interface Tracked {
  server: Server;
  port: number;
  connections: number;
}

/**
 * Vision fallthrough through the built gateway: images sent by OpenAI and Anthropic
 * clients (inline and by URL) reach a target that can't see as the descriptor's text;
 * a target that can see gets them untouched; refused URLs and a failing descriptor leave
 * the image and still serve; descriptor calls are usage rows linked to their request.
 */
describe('vision fallthrough through the built gateway', () => {
  let database: TestDatabase;
  let target: ScriptedUpstream;
  let descriptor: ScriptedUpstream;
  let gateway: GatewayProcess;
  let images: Tracked;
  let forbidden: Tracked;
  const servedImage = randomBytes(40);
  let openai: OpenAI;

  const admin = (method: string, path: string, body?: unknown): Promise<Response> =>
    callManagement(gateway.url, ADMIN_KEY, method, path, body);

  const track = async (handler: Parameters<typeof createServer>[1]): Promise<Tracked> => {
    const server = createServer(handler);
    const tracked: Tracked = { server, port: 0, connections: 0 };
    server.on('connection', () => tracked.connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    tracked.port = (server.address() as AddressInfo).port;
    return tracked;
  };

  const lastTargetBody = (): string => JSON.stringify(target.requests.at(-1)?.body);

  const askOpenAi = (model: string, imageUrl: string) =>
    openai.chat.completions
      .create({
        model,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is in this image?' },
              { type: 'image_url', image_url: { url: imageUrl } },
            ],
          },
        ],
      })
      .withResponse();

  async function descriptorRows(parentRequestId: string): Promise<Array<Record<string, unknown>>> {
    const pg = new Client({ connectionString: database.url });
    await pg.connect();
    try {
      for (let tries = 0; tries < 100; tries++) {
        const result = await pg.query('SELECT * FROM request_usage WHERE parent_request_id = $1', [parentRequestId]);
        if (result.rows.length > 0) return result.rows as Array<Record<string, unknown>>;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return [];
    } finally {
      await pg.end();
    }
  }

  beforeAll(async () => {
    [database, target, descriptor] = await Promise.all([
      createTestDatabase(),
      ScriptedUpstream.start(),
      ScriptedUpstream.start(),
    ]);
    images = await track((_request, response) => {
      response.writeHead(200, { 'content-type': 'image/png' });
      response.end(servedImage);
    });
    forbidden = await track((_request, response) => response.end('internal'));
    const redis = process.env['PLEXUS_TEST_REDIS_URL'];
    gateway = await startGateway({
      ADMIN_KEY,
      DATABASE_URL: database.url,
      NODE_ENV: 'test',
      PLEXUS_TEST_IMAGE_HOSTS: 'images.test=127.0.0.1',
      ...(redis && { REDIS_URL: redis }),
    });
    target.script(() => ({ kind: 'json', body: chatCompletionBody({ model: 'target', content: 'It is a sign.' }) }));
    descriptor.script(() => ({ kind: 'json', body: chatCompletionBody({ model: 'describer', content: DESCRIPTION }) }));
    await admin('PUT', '/providers/main', {
      api_base_url: `${target.url}/v1`,
      models: { 'text-only': { input_modalities: ['text'] }, seer: { input_modalities: ['text', 'image'] } },
    });
    await admin('PUT', '/providers/vision', { api_base_url: `${descriptor.url}/v1`, models: ['describer'] });
    // Nothing listens on port 1: every call to it fails.
    await admin('PUT', '/providers/broken', { api_base_url: 'http://127.0.0.1:1/v1' });
    const alias = (model: string) => ({
      use_image_fallthrough: true,
      target_groups: [{ name: 'g', selector: 'in_order', targets: [{ provider: 'main', model }] }],
    });
    expect((await admin('PUT', '/aliases/blind', alias('text-only'))).status).toBeLessThan(300);
    expect((await admin('PUT', '/aliases/sighted', alias('seer'))).status).toBeLessThan(300);
    await admin('PUT', '/aliases/describer', {
      target_groups: [{ name: 'g', selector: 'in_order', targets: [{ provider: 'vision', model: 'describer' }] }],
    });
    await admin('PUT', '/keys/client', { secret: KEY });
    const patched = await admin('PATCH', '/config/vision-fallthrough', {
      descriptor_model: 'describer',
      default_prompt: PROMPT,
    });
    expect(patched.status).toBe(200);
    openai = new OpenAI({ apiKey: KEY, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([target?.stop(), descriptor?.stop(), database?.drop()]);
    for (const tracked of [images, forbidden]) {
      tracked?.server.closeAllConnections();
      await new Promise((resolve) => tracked?.server.close(resolve));
    }
  });

  it('refuses an unknown descriptor model and advertises image input for fallthrough aliases', async () => {
    const refused = await admin('PATCH', '/config/vision-fallthrough', { descriptor_model: 'no-such-alias' });
    expect(refused.status).toBe(400);
    const models = (await (await fetch(`${gateway.url}/v1/models`)).json()) as {
      data: Array<{ id: string; architecture?: { input_modalities: string[] } }>;
    };
    expect(models.data.find((model) => model.id === 'blind')?.architecture?.input_modalities).toContain('image');
    expect(models.data.find((model) => model.id === 'describer')?.architecture).toBeUndefined();
  });

  it('describes a base64 image for a target that cannot see, caches it, and links the usage rows', async () => {
    const image = freshImage();
    const { response } = await askOpenAi('blind', `data:image/png;base64,${image}`);
    expect(lastTargetBody()).toContain(`[Image Description: ${DESCRIPTION}]`);
    expect(lastTargetBody()).not.toContain('image_url');
    expect(lastTargetBody()).not.toContain(image);
    const sent = JSON.stringify(descriptor.requests.at(-1)?.body);
    expect(sent).toContain(`data:image/png;base64,${image}`);
    expect(sent).toContain(PROMPT);

    const requestId = response.headers.get('x-request-id') ?? '';
    const parent = await waitForUsageRow(database.url, requestId);
    expect(parent['is_vision_fallthrough']).toBe(true);
    expect(parent['vision_fallthrough_model']).toBe('describer');
    expect(parent['is_passthrough']).toBe(false);
    const children = await descriptorRows(requestId);
    expect(children).toHaveLength(1);
    expect(children[0]['is_descriptor_request']).toBe(true);
    expect(children[0]['provider']).toBe('vision');

    const calls = descriptor.requests.length;
    await askOpenAi('blind', `data:image/png;base64,${image}`);
    expect(descriptor.requests).toHaveLength(calls);
    expect(lastTargetBody()).toContain(DESCRIPTION);

    expect((await admin('POST', '/cache/vision-descriptor/clear')).status).toBe(200);
    await askOpenAi('blind', `data:image/png;base64,${image}`);
    expect(descriptor.requests).toHaveLength(calls + 1);
  });

  it('describes an Anthropic client image block', async () => {
    const image = freshImage();
    const anthropic = new Anthropic({ apiKey: KEY, baseURL: gateway.url, maxRetries: 0 });
    const answer = await anthropic.messages.create({
      model: 'blind',
      max_tokens: 100,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: image } },
            { type: 'text', text: 'What does it say?' },
          ],
        },
      ],
    });
    expect(answer.content[0]).toMatchObject({ type: 'text', text: 'It is a sign.' });
    expect(lastTargetBody()).toContain(`[Image Description: ${DESCRIPTION}]`);
    expect(JSON.stringify(descriptor.requests.at(-1)?.body)).toContain(image);
  });

  it('fetches an image URL under the fetch rules and describes its bytes', async () => {
    const before = images.connections;
    await askOpenAi('blind', `http://images.test:${images.port}/photo.png`);
    expect(images.connections).toBeGreaterThan(before);
    expect(JSON.stringify(descriptor.requests.at(-1)?.body)).toContain(servedImage.toString('base64'));
    expect(lastTargetBody()).toContain(DESCRIPTION);
  });

  it('leaves images to a target that can see them', async () => {
    const image = freshImage();
    const calls = descriptor.requests.length;
    await askOpenAi('sighted', `data:image/png;base64,${image}`);
    expect(descriptor.requests).toHaveLength(calls);
    expect(lastTargetBody()).toContain(`data:image/png;base64,${image}`);
    expect(lastTargetBody()).not.toContain('Image Description');
  });

  it('refuses loopback and metadata URLs without connecting, and still serves', async () => {
    for (const url of [
      `http://127.0.0.1:${forbidden.port}/secret.png`,
      `http://localhost:${forbidden.port}/secret.png`,
      'http://169.254.169.254/latest/meta-data/iam.png',
    ]) {
      const { data, response } = await askOpenAi('blind', url);
      expect(data.choices[0].message.content).toBe('It is a sign.');
      expect(lastTargetBody()).toContain(url);
      const row = await waitForUsageRow(database.url, response.headers.get('x-request-id') ?? '');
      expect(row['is_vision_fallthrough']).toBe(true);
      expect(String(row['vision_fallthrough_error'])).toMatch(/not public/);
    }
    expect(forbidden.connections).toBe(0);
  });

  it('fails open when the descriptor fails: the request is served with its image', async () => {
    await admin('PATCH', '/config/vision-fallthrough', { descriptor_model: 'direct/broken/describer' });
    try {
      const image = freshImage();
      const { data, response } = await askOpenAi('blind', `data:image/png;base64,${image}`);
      expect(data.choices[0].message.content).toBe('It is a sign.');
      expect(lastTargetBody()).toContain(image);
      const row = await waitForUsageRow(database.url, response.headers.get('x-request-id') ?? '');
      expect(String(row['vision_fallthrough_error'])).toMatch(/descriptor model 'direct\/broken\/describer' failed/);
    } finally {
      await admin('PATCH', '/config/vision-fallthrough', { descriptor_model: 'describer' });
    }
  });
});
