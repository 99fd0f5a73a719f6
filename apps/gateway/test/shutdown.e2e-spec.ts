import { callManagement, chatStreamEvents, ScriptedUpstream, startGateway, type GatewayProcess } from '@plexus/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ADMIN_KEY = 'shutdown-admin';
const CLIENT_KEY = 'sk-shutdown-client';
const PIECES = Array.from({ length: 12 }, (_, index) => `p${index} `);

describe('signals and graceful shutdown of the built gateway', () => {
  let dataDir: string;
  let upstream: ScriptedUpstream;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'plexus-shutdown-'));
    upstream = await ScriptedUpstream.start();
    upstream.script(() => ({
      kind: 'sse',
      delayMs: 150,
      events: chatStreamEvents({ model: 'm', pieces: PIECES, promptTokens: 3, completionTokens: 12 }),
    }));
    gateway = await startGateway(
      { ADMIN_KEY, DATA_DIR: dataDir, SHUTDOWN_DELAY_SECONDS: '1', SHUTDOWN_TIMEOUT_SECONDS: '20' },
      120_000,
    );
    for (const [path, body] of [
      ['/providers/up', { api_base_url: `${upstream.url}/v1`, api_key: 'sk-up' }],
      [
        '/aliases/slow',
        { target_groups: [{ name: 'g', selector: 'in_order', targets: [{ provider: 'up', model: 'm' }] }] },
      ],
      ['/keys/client', { secret: CLIENT_KEY }],
    ] as const)
      expect((await callManagement(gateway.url, ADMIN_KEY, 'PUT', path, body)).status).toBe(200);
  }, 130_000);

  afterAll(async () => {
    await gateway?.stop();
    await upstream?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('SIGHUP and SIGUSR2 do not stop it', async () => {
    gateway.signal('SIGHUP');
    gateway.signal('SIGUSR2');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
    expect((await fetch(`${gateway.url}/ready`)).status).toBe(200);
  });

  it('SIGTERM during a stream: not ready at once, the stream finishes, new connections are refused, exit 0', async () => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'slow', stream: true, messages: [{ role: 'user', content: 'Hi' }] }),
    });
    expect(response.status).toBe(200);
    const reader: ReadableStreamDefaultReader<Uint8Array> = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = decoder.decode((await reader.read()).value);

    const exited = gateway.exited();
    gateway.signal('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Still listening (the delay is a second), but no longer ready.
    expect((await fetch(`${gateway.url}/ready`)).status).toBe(503);

    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    expect(text).toContain('data: [DONE]');
    const content = text
      .split('\n')
      .filter((line) => line.startsWith('data: {'))
      .map((line) => (JSON.parse(line.slice(6)) as { choices: Array<{ delta?: { content?: string } }> }).choices[0])
      .map((choice) => choice?.delta?.content ?? '')
      .join('');
    expect(content).toBe(PIECES.join(''));

    // The listener closed once the delay passed: a new connection is refused.
    await expect(fetch(`${gateway.url}/health`, { headers: { connection: 'close' } })).rejects.toThrow();
    expect(await exited).toBe(0);
  });
});
