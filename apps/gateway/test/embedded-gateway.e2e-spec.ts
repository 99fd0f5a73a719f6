import {
  callManagement,
  GATEWAY_MAIN,
  ScriptedUpstream,
  chatCompletionBody,
  startGateway,
  type GatewayProcess,
} from '@plexus/testing';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { queryEmbeddedDatabase } from './embedded-database';

const ADMIN_KEY = 'embedded-admin';

function admin(gateway: GatewayProcess, method: string, path: string, body?: unknown): Promise<Response> {
  return callManagement(gateway.url, ADMIN_KEY, method, path, body);
}

describe('the built gateway on its embedded database', () => {
  let dataDir: string;
  let upstream: ScriptedUpstream;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'plexus-e2e-'));
    upstream = await ScriptedUpstream.start();
    upstream.script(() => ({ kind: 'json', body: chatCompletionBody({ model: 'm', content: 'persisted' }) }));
  });

  afterAll(async () => {
    await upstream?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses to start without ADMIN_KEY, with a one-line reason', () => {
    const result = spawnSync(process.execPath, [GATEWAY_MAIN], {
      env: { PATH: process.env['PATH'] ?? '', DATA_DIR: dataDir },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^plexus: cannot start: ADMIN_KEY is required/),
    ]);
  });

  it('keeps providers, aliases, keys and usage across a restart', async () => {
    const first = await startGateway({ ADMIN_KEY, DATA_DIR: dataDir });
    try {
      expect(
        (await admin(first, 'PUT', '/providers/mock', { api_base_url: `${upstream.url}/v1`, api_key: 'sk-up' })).status,
      ).toBe(200);
      expect(
        (
          await admin(first, 'PUT', '/aliases/kept', {
            target_groups: [{ name: 'g', selector: 'random', targets: [{ provider: 'mock', model: 'm' }] }],
          })
        ).status,
      ).toBe(200);
      expect((await admin(first, 'PUT', '/keys/k', { secret: 'sk-kept-key' })).status).toBe(200);
    } finally {
      expect(await first.stop()).toBe(0);
    }

    const second = await startGateway({ ADMIN_KEY, DATA_DIR: dataDir });
    try {
      const client = new OpenAI({ apiKey: 'sk-kept-key', baseURL: `${second.url}/v1`, maxRetries: 0 });
      const data = await client.chat.completions.create({ model: 'kept', messages: [{ role: 'user', content: 'hi' }] });
      expect(data.choices[0]?.message.content).toBe('persisted');
      expect(Object.keys((await (await admin(second, 'GET', '/providers')).json()) as object)).toEqual(['mock']);
    } finally {
      expect(await second.stop()).toBe(0);
    }

    // The usage row, flushed at shutdown, is in the database files.
    const usage = await queryEmbeddedDatabase<{
      incoming_model_alias: string;
      response_status: string;
      tokens_output: number;
    }>(dataDir, 'SELECT incoming_model_alias, response_status, tokens_output FROM request_usage');
    expect(usage).toEqual([{ incoming_model_alias: 'kept', response_status: 'success', tokens_output: 5 }]);
    // Three starts of the database server, the first with initdb.
  }, 120_000);

  describe('serving', () => {
    let gateway: GatewayProcess;

    beforeAll(async () => {
      gateway = await startGateway({ ADMIN_KEY, DATA_DIR: dataDir });
    });

    afterAll(async () => {
      await gateway?.stop();
    });

    it('serves the admin console at / and on client-side routes', async () => {
      for (const path of ['/', '/dashboard', '/providers/new']) {
        const response = await fetch(`${gateway.url}${path}`);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toMatch(/text\/html/);
        expect(await response.text()).toContain('<plx-root');
      }
      const unknownApi = await fetch(`${gateway.url}/v0/management/nothing-here`, {
        headers: { 'x-admin-key': ADMIN_KEY },
      });
      expect(unknownApi.status).toBe(404);
    });

    it('publishes its OpenAPI document with the management paths', async () => {
      const document = (await (await fetch(`${gateway.url}/docs/openapi.json`)).json()) as {
        paths: Record<string, unknown>;
      };
      expect(Object.keys(document.paths)).toEqual(
        expect.arrayContaining([
          '/v1/chat/completions',
          '/v1/models',
          '/v0/management/providers/{slug}',
          '/v0/management/aliases/{slug}',
          '/v0/management/keys/{name}',
          '/health',
        ]),
      );
      const wellKnown = await fetch(`${gateway.url}/.well-known/plexus/openapi.json`);
      expect(wellKnown.status).toBe(200);
    });

    it('reports liveness and readiness', async () => {
      expect(await (await fetch(`${gateway.url}/health`)).text()).toBe('OK');
      const ready = await fetch(`${gateway.url}/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ ok: true, status: 'ok', info: { database: { status: 'up' } } });
    });
  });
});
