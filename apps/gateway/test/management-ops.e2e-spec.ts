import { ScriptedUpstream, chatCompletionBody, startGateway, type GatewayProcess } from '@plexus/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ADMIN_KEY = 'ops-admin';
const CLIENT_SECRET = 'sk-ops-client';
const OTHER_SECRET = 'sk-ops-other';

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('management operations: errors, concurrency, logs reset', () => {
  let dataDir: string;
  let upstream: ScriptedUpstream;
  let gateway: GatewayProcess;

  const call = async (method: string, path: string, key = ADMIN_KEY) => {
    const response = await fetch(`${gateway.url}/v0/management${path}`, { method, headers: { 'x-admin-key': key } });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const chat = (model: string, secret = CLIENT_SECRET, signal?: AbortSignal) =>
    fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
      ...(signal && { signal }),
    });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'plexus-ops-'));
    upstream = await ScriptedUpstream.start();
    upstream.script((request) => {
      const model = String((request.body as { model?: unknown }).model);
      if (model === 'broken')
        return { kind: 'json', status: 400, body: { error: { message: 'bad request upstream' } } };
      if (model === 'slow') return { kind: 'silent' };
      return { kind: 'json', body: chatCompletionBody({ model, content: 'ok' }) };
    });
    gateway = await startGateway({ ADMIN_KEY, DATA_DIR: dataDir });
    const admin = (path: string, body: unknown) =>
      fetch(`${gateway.url}/v0/management${path}`, {
        method: 'PUT',
        headers: { 'x-admin-key': ADMIN_KEY, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await admin('/providers/ops', { api_base_url: `${upstream.url}/v1`, api_key: 'sk-up' })).status).toBe(200);
    for (const model of ['fine', 'broken', 'slow']) {
      expect(
        (
          await admin(`/aliases/${model}`, {
            target_groups: [{ name: 'g', selector: 'in_order', targets: [{ provider: 'ops', model }] }],
          })
        ).status,
      ).toBe(200);
    }
    expect((await admin('/keys/ops-client', { secret: CLIENT_SECRET })).status).toBe(200);
    expect((await admin('/keys/ops-other', { secret: OTHER_SECRET })).status).toBe(200);
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    await upstream?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('deletes one error log, and only a failed request', async () => {
    expect((await chat('fine')).status).toBe(200);
    expect((await chat('broken')).status).toBe(400);
    const [failed, succeeded] = await waitFor(async () => {
      const usage = (await call('GET', '/usage')).body['data'] as Array<{ requestId: string; responseStatus: string }>;
      const bad = usage.find((row) => row.responseStatus !== 'success');
      const good = usage.find((row) => row.responseStatus === 'success');
      return bad && good ? [bad.requestId, good.requestId] : undefined;
    });
    expect((await call('DELETE', `/errors/${succeeded}`)).status).toBe(404);
    expect((await call('DELETE', `/errors/${failed}`, CLIENT_SECRET)).status).toBe(403);
    expect(await call('DELETE', `/errors/${failed}`)).toEqual({ status: 200, body: { success: true } });
    expect((await call('DELETE', `/errors/${failed}`)).status).toBe(404);
    expect((await call('GET', '/errors')).body).toMatchObject({ total: 0 });
    expect((await call('DELETE', '/errors/not-a-uuid')).status).toBe(400);
  });

  it('counts requests in flight now, and concurrency over time per provider or model', async () => {
    const abort = new AbortController();
    const pending = chat('slow', CLIENT_SECRET, abort.signal).catch(() => undefined);
    const live = await waitFor(async () => {
      const data = (await call('GET', '/concurrency')).body['data'] as Array<{ model: string; count: number }>;
      return data.find((entry) => entry.model === 'slow');
    });
    expect(live).toEqual({ provider: null, model: 'slow', count: 1, timestamp: expect.any(Number) });
    expect((await call('GET', '/concurrency?mode=live', OTHER_SECRET)).body).toEqual({ data: [] });
    abort.abort();
    await pending;
    await waitFor(async () =>
      ((await call('GET', '/concurrency')).body['data'] as unknown[]).length === 0 ? true : undefined,
    );

    const byProvider = (await call('GET', '/concurrency?mode=timeline&timeRange=hour&groupBy=provider')).body;
    expect(byProvider['bucketMs']).toBe(60_000);
    expect(byProvider['data']).toEqual(
      expect.arrayContaining([expect.objectContaining({ provider: 'ops', model: null, count: expect.any(Number) })]),
    );
    const byModel = (await call('GET', '/concurrency?mode=timeline&groupBy=model')).body['data'] as Array<{
      model: string | null;
    }>;
    expect(byModel.map((entry) => entry.model)).toEqual(expect.arrayContaining(['fine']));
    expect((await call('GET', '/concurrency?mode=timeline', OTHER_SECRET)).body['data']).toEqual([]);
    expect((await call('GET', '/concurrency?mode=timeline&timeRange=custom')).status).toBe(400);
    expect((await call('GET', '/concurrency?mode=sideways')).status).toBe(400);
  });

  it('resets the request logs, leaving the configuration alone', async () => {
    expect((await call('DELETE', '/logs/reset', CLIENT_SECRET)).status).toBe(403);
    const reset = await call('DELETE', '/logs/reset');
    expect(reset).toEqual({
      status: 200,
      body: { success: true, message: expect.stringContaining('All logs have been reset successfully') },
    });
    expect((await call('GET', '/usage')).body).toMatchObject({ total: 0 });
    expect((await call('GET', '/providers/ops')).status).toBe(200);
    expect((await call('GET', '/keys/ops-client')).status).toBe(200);
  });
});
