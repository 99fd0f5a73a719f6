import {
  callManagement,
  chatCompletionBody,
  chatStreamEvents,
  ScriptedUpstream,
  startGateway,
  type GatewayProcess,
} from '@plexus/testing';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ADMIN_KEY = 'restart-admin';
const CLIENT_KEY = 'sk-restart-client';
const IN_FLIGHT = 4;

/** The embedded PostgreSQL server: the gateway's child running the packaged `postgres` binary. */
function databaseServerPid(gatewayPid: number): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const parent = /^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1];
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0')[0] ?? '';
      if (Number(parent) === gatewayPid && command.endsWith('/bin/postgres')) return Number(entry);
    } catch {
      // the process ended while we looked
    }
  }
  throw new Error(`no database server under gateway ${gatewayPid}`);
}

function chat(gateway: GatewayProcess, stream: boolean): Promise<Response> {
  return fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'steady', stream, messages: [{ role: 'user', content: 'hi' }] }),
  });
}

async function until(what: string, condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the embedded database server dying under the gateway', () => {
  let dataDir: string;
  let upstream: ScriptedUpstream;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'plexus-restart-'));
    upstream = await ScriptedUpstream.start();
    // Slow streams, so requests are under way while the server is killed.
    upstream.script((request) =>
      (request.body as { stream?: boolean }).stream
        ? { kind: 'sse', events: chatStreamEvents({ model: 'm', pieces: ['a', 'b', 'c', 'd', 'e'] }), delayMs: 400 }
        : { kind: 'json', body: chatCompletionBody({ model: 'm', content: 'ok' }) },
    );
    gateway = await startGateway({ ADMIN_KEY, DATA_DIR: dataDir });
    const admin = (method: string, path: string, body: unknown): Promise<Response> =>
      callManagement(gateway.url, ADMIN_KEY, method, path, body);
    expect(
      (await admin('PUT', '/providers/mock', { api_base_url: `${upstream.url}/v1`, api_key: 'sk-up' })).status,
    ).toBe(200);
    expect(
      (
        await admin('PUT', '/aliases/steady', {
          target_groups: [{ name: 'g', selector: 'in_order', targets: [{ provider: 'mock', model: 'm' }] }],
        })
      ).status,
    ).toBe(200);
    expect((await admin('PUT', '/keys/client', { secret: CLIENT_KEY })).status).toBe(200);
  });

  afterAll(async () => {
    await gateway?.stop();
    await upstream?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses inference with a 503 while it restarts, then records every usage row of the requests under way', async () => {
    const warmup = await chat(gateway, false);
    expect(warmup.status).toBe(200);
    await warmup.text();

    const sent = upstream.requests.length;
    const underWay = Array.from({ length: IN_FLIGHT }, () => chat(gateway, true).then((r) => r.text()));
    await until('the streams to reach the upstream', () =>
      Promise.resolve(upstream.requests.length >= sent + IN_FLIGHT),
    );

    const serverPid = databaseServerPid(gateway.pid);
    process.kill(serverPid, 'SIGKILL');

    await until('readiness to go false', async () => (await fetch(`${gateway.url}/ready`)).status === 503);
    const refused = await chat(gateway, false);
    // Either still down (the clear 503), or already back: both are fine, a 500 is not.
    if (refused.status === 503) {
      expect(refused.headers.get('retry-after')).toBe('2');
      expect(await refused.json()).toEqual({
        error: {
          message: 'The gateway database is restarting; retry shortly',
          type: 'service_unavailable',
          code: 'database_unavailable',
        },
      });
    } else {
      expect(refused.status).toBe(200);
      await refused.text();
    }

    // The streams under way are not the database's business: they finish.
    for (const body of await Promise.all(underWay)) expect(body).toContain('[DONE]');

    await until('readiness to come back', async () => (await fetch(`${gateway.url}/ready`)).status === 200);
    expect(databaseServerPid(gateway.pid)).not.toBe(serverPid);

    const expected = 1 + IN_FLIGHT + (refused.status === 200 ? 1 : 0);
    await until('every usage row to be written', async () => {
      const response = await callManagement(gateway.url, ADMIN_KEY, 'GET', '/usage?limit=100');
      return response.ok && ((await response.json()) as { total: number }).total === expected;
    });
    const after = await chat(gateway, false);
    expect(after.status).toBe(200);
    await after.text();
  });
});
