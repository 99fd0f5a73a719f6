import {
  ScriptedUpstream,
  chatCompletionBody,
  chatStreamEvents,
  startGateway,
  type GatewayProcess,
} from '@plexus/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ADMIN_KEY = 'observe-admin';
const CLIENT_KEY = 'sk-observe-client-0123456789abcdef';
const OTHER_KEY = 'sk-observe-other-0123456789abcdef';
const PROVIDER_KEY = 'sk-provider-secret-9f8e7d6c5b4a';
const FAILING_PROVIDER_KEY = 'sk-failing-provider-1a2b3c4d5e6f';

interface OtlpAttribute {
  key: string;
  value: { stringValue?: string; intValue?: string | number; boolValue?: boolean; arrayValue?: unknown };
}

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: OtlpAttribute[];
  status?: { code?: number };
}

/** A loopback OTLP/HTTP collector that keeps every span it is sent (JSON encoding). */
class OtlpReceiver {
  readonly spans: OtlpSpan[] = [];
  private readonly server: Server;

  private constructor() {
    this.server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        if (request.url === '/v1/traces') {
          const payload = JSON.parse(body) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }> };
          for (const resource of payload.resourceSpans)
            for (const scope of resource.scopeSpans) this.spans.push(...scope.spans);
        }
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
  }

  static async start(): Promise<OtlpReceiver> {
    const receiver = new OtlpReceiver();
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function attribute(span: OtlpSpan, key: string): string | number | boolean | undefined {
  const value = span.attributes.find((candidate) => candidate.key === key)?.value;
  if (!value) return undefined;
  if (value.intValue !== undefined) return Number(value.intValue);
  return value.stringValue ?? value.boolValue;
}

async function eventually<T>(read: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Reads server-sent events from a fetch body until `until` accepts one. */
async function readEvents(
  body: ReadableStream<Uint8Array>,
  until: (event: { event: string; data: unknown }) => boolean,
): Promise<Array<{ event: string; data: unknown }>> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const events: Array<{ event: string; data: unknown }> = [];
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`feed ended after ${events.length} events`);
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const name = /^event: (.*)$/m.exec(frame)?.[1];
      const data = /^data: (.*)$/m.exec(frame)?.[1];
      if (name === undefined || data === undefined) continue;
      const event = { event: name, data: JSON.parse(data) as unknown };
      events.push(event);
      if (until(event)) {
        reader.releaseLock();
        return events;
      }
    }
  }
}

describe('debug traces, OpenTelemetry, the live events feed and logging through the built gateway', () => {
  let dataDir: string;
  let good: ScriptedUpstream;
  let bad: ScriptedUpstream;
  let otlp: OtlpReceiver;
  let gateway: GatewayProcess;

  function management(method: string, path: string, body?: unknown, key = ADMIN_KEY): Promise<Response> {
    return fetch(`${gateway.url}${path}`, {
      method,
      headers: { 'x-admin-key': key, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  }

  function chat(
    model: string,
    params: { stream?: boolean; key?: string; content?: string; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    return fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${params.key ?? CLIENT_KEY}`,
        'content-type': 'application/json',
        ...params.headers,
      },
      body: JSON.stringify({
        model,
        stream: params.stream ?? false,
        messages: [{ role: 'user', content: params.content ?? 'Hi' }],
      }),
    });
  }

  async function trace(requestId: string, key = ADMIN_KEY): Promise<Record<string, unknown> | undefined> {
    const response = await management('GET', `/v0/management/debug/logs/${requestId}`, undefined, key);
    return response.status === 200 ? ((await response.json()) as Record<string, unknown>) : undefined;
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'plexus-observe-'));
    [good, bad, otlp] = await Promise.all([ScriptedUpstream.start(), ScriptedUpstream.start(), OtlpReceiver.start()]);
    // The upstream repeats the provider key in its answer: the trace must mask it there too.
    good.script((request) => {
      const body = request.body as { stream?: boolean; model: string; messages: Array<{ content: string }> };
      const content = `echo ${PROVIDER_KEY}`;
      // A prompt of 'slow' is answered over about two seconds, long enough for progress events.
      const delayMs = body.messages[0]?.content === 'slow' ? 300 : 0;
      return body.stream
        ? {
            kind: 'sse',
            delayMs,
            events: chatStreamEvents({
              model: body.model,
              pieces: ['Hel', 'lo ', content],
              promptTokens: 7,
              completionTokens: 3,
            }),
          }
        : {
            kind: 'json',
            body: chatCompletionBody({ model: body.model, content, promptTokens: 7, completionTokens: 3 }),
          };
    });
    bad.script(() => ({ kind: 'json', status: 500, body: { error: { message: 'upstream exploded' } } }));
    gateway = await startGateway({
      ADMIN_KEY,
      DATA_DIR: dataDir,
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      OTEL_BSP_SCHEDULE_DELAY: '100',
      OTEL_SERVICE_NAME: 'plexus-e2e',
    });
    const setup: Array<[string, unknown]> = [
      ['/providers/good', { api_base_url: `${good.url}/v1`, api_key: PROVIDER_KEY }],
      ['/providers/bad', { api_base_url: `${bad.url}/v1`, api_key: FAILING_PROVIDER_KEY }],
      [
        '/aliases/solo',
        { target_groups: [{ name: 'g', selector: 'in_order', targets: [{ provider: 'good', model: 'm-good' }] }] },
      ],
      [
        '/aliases/duo',
        {
          target_groups: [
            {
              name: 'g',
              selector: 'in_order',
              targets: [
                { provider: 'bad', model: 'm-bad' },
                { provider: 'good', model: 'm-good' },
              ],
            },
          ],
        },
      ],
      [
        '/aliases/broken',
        { target_groups: [{ name: 'g', selector: 'in_order', targets: [{ provider: 'bad', model: 'm-broken' }] }] },
      ],
      ['/keys/client', { secret: CLIENT_KEY }],
      ['/keys/other', { secret: OTHER_KEY }],
    ];
    for (const [path, body] of setup) expect((await management('PUT', `/v0/management${path}`, body)).status).toBe(200);
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([good?.stop(), bad?.stop(), otlp?.stop()]);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  describe('debug traces', () => {
    it('captures nothing while no target is set', async () => {
      const response = await chat('solo');
      expect(response.status).toBe(200);
      await response.text();
      const state = (await (await management('GET', '/v0/management/debug')).json()) as Record<string, unknown>;
      expect(state).toEqual({
        enabled: false,
        enabledGlobal: false,
        enabledKeys: [],
        keys: [],
        aliases: [],
        providers: null,
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await trace(response.headers.get('x-request-id') as string)).toBeUndefined();
    });

    it('captures a targeted key: client and upstream sides of a stream, with every secret masked', async () => {
      const patched = await management('PATCH', '/v0/management/debug', { keys: ['client'] });
      expect(patched.status).toBe(200);
      expect(await patched.json()).toMatchObject({ keys: ['client'], enabledKeys: ['client'], enabledGlobal: false });

      // The client puts its own key in the prompt: it is masked wherever it lands.
      const response = await chat('solo', { stream: true, content: `my key is ${CLIENT_KEY}` });
      expect(response.status).toBe(200);
      const clientText = await response.text();
      expect(clientText).toContain('Hel');
      const requestId = response.headers.get('x-request-id') as string;

      const stored = await eventually(() => trace(requestId));
      expect(stored).toMatchObject({
        requestId,
        apiKey: 'client',
        alias: 'solo',
        provider: 'good',
        model: 'm-good',
        responseStatus: 'success',
        requestHeaders: { authorization: '[REDACTED]' },
        rawRequest: { model: 'solo', stream: true, messages: [{ role: 'user', content: 'my key is [REDACTED]' }] },
        transformedRequest: { model: 'm-good', stream: true },
      });
      expect(typeof stored['createdAt']).toBe('number');
      expect(String(stored['rawResponse'])).toContain('data: ');
      expect(String(stored['rawResponse'])).toContain('echo [REDACTED]');
      expect(String(stored['transformedResponse'])).toContain('Hel');
      const attempts = stored['attempts'] as Array<Record<string, unknown>>;
      expect(attempts).toHaveLength(1);
      expect(attempts[0]).toMatchObject({
        provider: 'good',
        responseStatus: 200,
        requestHeaders: { authorization: '[REDACTED]' },
      });

      const serialized = JSON.stringify(stored);
      expect(serialized).not.toContain(CLIENT_KEY);
      expect(serialized).not.toContain(PROVIDER_KEY);

      const list = (await (await management('GET', '/v0/management/debug/logs?limit=5')).json()) as {
        data: Array<{ requestId: string; createdAt: number }>;
        total: number;
      };
      expect(list.data.map((entry) => entry.requestId)).toContain(requestId);

      // The request log points at the trace.
      const logged = await eventually(async () => {
        const usage = (await (await management('GET', '/v0/management/usage?limit=20')).json()) as {
          data: Array<{ requestId: string; hasDebug: boolean }>;
        };
        return usage.data.find((record) => record.requestId === requestId);
      });
      expect(logged.hasDebug).toBe(true);
    });

    it('scopes traces to the calling key and lets a key toggle its own capture', async () => {
      await management('PATCH', '/v0/management/debug', { keys: null });
      const toggled = await management('POST', '/v0/management/self/debug/toggle', { enabled: true }, OTHER_KEY);
      expect(toggled.status).toBe(200);
      expect(await toggled.json()).toEqual({ keyName: 'other', enabled: true, enabledGlobal: false });
      const me = (await (await management('GET', '/v0/management/self/me', undefined, OTHER_KEY)).json()) as Record<
        string,
        unknown
      >;
      expect(me).toMatchObject({ keyName: 'other', traceEnabled: true, traceEnabledGlobal: false });
      expect((await management('POST', '/v0/management/self/debug/toggle', { enabled: true })).status).toBe(400);
      expect((await management('PATCH', '/v0/management/debug', { enabled: true }, OTHER_KEY)).status).toBe(403);

      const mine = await chat('solo', { key: OTHER_KEY });
      await mine.text();
      const mineId = mine.headers.get('x-request-id') as string;
      await eventually(() => trace(mineId, OTHER_KEY));

      const state = (await (await management('GET', '/v0/management/debug', undefined, OTHER_KEY)).json()) as Record<
        string,
        unknown
      >;
      expect(state).toMatchObject({ enabled: true, enabledForKey: true, keys: ['other'] });
      const list = (await (await management('GET', '/v0/management/debug/logs', undefined, OTHER_KEY)).json()) as {
        data: Array<{ requestId: string }>;
      };
      expect(list.data.map((entry) => entry.requestId)).toEqual([mineId]);
      const all = (await (await management('GET', '/v0/management/debug/logs')).json()) as {
        data: Array<{ requestId: string }>;
      };
      const someoneElses = all.data.find((entry) => entry.requestId !== mineId);
      expect(someoneElses).toBeDefined();
      expect(
        (await management('GET', `/v0/management/debug/logs/${someoneElses?.requestId}`, undefined, OTHER_KEY)).status,
      ).toBe(404);
      expect((await management('DELETE', `/v0/management/debug/logs/${mineId}`, undefined, OTHER_KEY)).status).toBe(
        403,
      );

      await management('POST', '/v0/management/self/debug/toggle?keyName=other', { enabled: false });
      expect((await management('DELETE', `/v0/management/debug/logs/${mineId}`)).status).toBe(200);
      expect((await management('GET', `/v0/management/debug/logs/${mineId}`)).status).toBe(404);
    });

    it('with capture-on-error keeps the traces of failed requests only', async () => {
      expect(await (await management('GET', '/v0/management/config/capture-trace-on-error')).json()).toEqual({
        enabled: false,
      });
      expect(
        (await management('PATCH', '/v0/management/config/capture-trace-on-error', { enabled: 'yes' })).status,
      ).toBe(400);
      const patched = await management('PATCH', '/v0/management/config/capture-trace-on-error', { enabled: true });
      expect(await patched.json()).toEqual({ enabled: true });

      const fine = await chat('solo');
      await fine.text();
      const failed = await chat('broken');
      expect(failed.status).toBeGreaterThanOrEqual(500);
      await failed.text();

      const stored = await eventually(() => trace(failed.headers.get('x-request-id') as string));
      expect(stored).toMatchObject({
        responseStatus: 'error',
        alias: 'broken',
        provider: 'bad',
        transformedResponse: { error: { type: expect.any(String) as string } },
      });
      const attempts = stored['attempts'] as Array<Record<string, unknown>>;
      expect(attempts[0]).toMatchObject({
        responseStatus: 500,
        responseBody: { error: { message: 'upstream exploded' } },
      });
      expect(JSON.stringify(stored)).not.toContain(FAILING_PROVIDER_KEY);
      expect(await trace(fine.headers.get('x-request-id') as string)).toBeUndefined();

      await management('PATCH', '/v0/management/config/capture-trace-on-error', { enabled: false });
      expect((await management('DELETE', '/v0/management/debug/logs')).status).toBe(200);
      expect(((await (await management('GET', '/v0/management/debug/logs')).json()) as { total: number }).total).toBe(
        0,
      );
    });
  });

  describe('OpenTelemetry', () => {
    it("exports a GenAI span per request, under the caller's traceparent, with a child span per upstream attempt", async () => {
      const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
      const callerSpan = '00f067aa0ba902b7';
      const response = await chat('duo', { headers: { traceparent: `00-${callerTrace}-${callerSpan}-01` } });
      expect(response.status).toBe(200);
      await response.text();
      const requestId = response.headers.get('x-request-id') as string;

      const root = await eventually(() =>
        otlp.spans.find((span) => attribute(span, 'plexus.request_id') === requestId),
      );
      expect(root.name).toBe('chat duo');
      expect(root.traceId).toBe(callerTrace);
      expect(root.parentSpanId).toBe(callerSpan);
      expect(attribute(root, 'gen_ai.operation.name')).toBe('chat');
      expect(attribute(root, 'gen_ai.request.model')).toBe('duo');
      expect(attribute(root, 'gen_ai.response.model')).toBe('m-good');
      expect(attribute(root, 'gen_ai.provider.name')).toBe('openai');
      expect(attribute(root, 'gen_ai.usage.input_tokens')).toBe(7);
      expect(attribute(root, 'gen_ai.usage.output_tokens')).toBe(3);

      const children = await eventually(() => {
        const found = otlp.spans.filter((span) => span.traceId === root.traceId && span.parentSpanId === root.spanId);
        return found.length === 2 ? found : undefined;
      });
      const failedAttempt = children.find((span) => attribute(span, 'plexus.provider') === 'bad');
      const answered = children.find((span) => attribute(span, 'plexus.provider') === 'good');
      expect(failedAttempt?.name).toBe('chat m-bad');
      expect(failedAttempt && attribute(failedAttempt, 'error.type')).toBe('UPSTREAM_ERROR');
      expect(failedAttempt && attribute(failedAttempt, 'http.response.status_code')).toBe(500);
      expect(answered && attribute(answered, 'gen_ai.request.model')).toBe('m-good');
      expect(answered && attribute(answered, 'server.address')).toBe('127.0.0.1');
      expect(answered && attribute(answered, 'gen_ai.usage.output_tokens')).toBe(3);
      expect(answered && attribute(answered, 'error.type')).toBeUndefined();
    });
  });

  describe('live events feed', () => {
    it('streams started and completed events, and lets go of a closed feed', async () => {
      const abort = new AbortController();
      const feed = await fetch(`${gateway.url}/v0/management/events`, {
        headers: { 'x-admin-key': ADMIN_KEY },
        signal: abort.signal,
      });
      expect(feed.status).toBe(200);
      expect(feed.headers.get('content-type')).toContain('text/event-stream');
      const body = feed.body as ReadableStream<Uint8Array>;
      await readEvents(body, (event) => event.event === 'ping');

      const response = await chat('solo');
      await response.text();
      const requestId = response.headers.get('x-request-id') as string;
      const events = await readEvents(
        body,
        (event) => event.event === 'completed' && (event.data as { requestId: string }).requestId === requestId,
      );
      const started = events.find((event) => event.event === 'started');
      expect(started?.data).toMatchObject({
        requestId,
        apiKey: 'client',
        incomingModelAlias: 'solo',
        responseStatus: 'pending',
      });
      expect(events.at(-1)?.data).toMatchObject({
        requestId,
        responseStatus: 'success',
        tokensInput: 7,
        tokensOutput: 3,
        provider: 'good',
      });
      abort.abort();

      await eventually(async () => {
        const metrics = await (await management('GET', '/v0/management/metrics')).text();
        return /^plexus_event_feed_subscribers 0$/m.test(metrics) ? true : undefined;
      });
    });

    it('reports the progress of a request in flight every second', async () => {
      const abort = new AbortController();
      const feed = await fetch(`${gateway.url}/v0/management/events`, {
        headers: { 'x-admin-key': ADMIN_KEY },
        signal: abort.signal,
      });
      const body = feed.body as ReadableStream<Uint8Array>;
      await readEvents(body, (event) => event.event === 'ping');
      const response = await chat('solo', { stream: true, content: 'slow' });
      const requestId = response.headers.get('x-request-id') as string;
      const events = await readEvents(
        body,
        (event) => event.event === 'completed' && (event.data as { requestId: string }).requestId === requestId,
      );
      await response.text();
      abort.abort();
      const progress = events.filter(
        (event) => event.event === 'progress' && (event.data as { requestId: string }).requestId === requestId,
      );
      expect(progress.length).toBeGreaterThan(0);
      expect(progress.at(-1)?.data).toMatchObject({
        requestId,
        bytes: expect.any(Number) as number,
        estimatedTokens: expect.any(Number) as number,
      });
      expect((progress.at(-1)?.data as { elapsedMs: number }).elapsedMs).toBeGreaterThanOrEqual(900);
    });

    it('shows an API key only its own requests', async () => {
      const abort = new AbortController();
      const feed = await fetch(`${gateway.url}/v0/management/events`, {
        headers: { 'x-admin-key': OTHER_KEY },
        signal: abort.signal,
      });
      expect(feed.status).toBe(200);
      const body = feed.body as ReadableStream<Uint8Array>;
      await readEvents(body, (event) => event.event === 'ping');
      await (await chat('solo')).text();
      const own = await chat('solo', { key: OTHER_KEY });
      await own.text();
      const ownId = own.headers.get('x-request-id') as string;
      const events = await readEvents(body, (event) => event.event === 'completed');
      abort.abort();
      expect(
        events
          .filter((event) => event.event !== 'ping')
          .every((event) => (event.data as { apiKey: string }).apiKey === 'other'),
      ).toBe(true);
      expect((events.at(-1)?.data as { requestId: string }).requestId).toBe(ownId);
    });
  });

  describe('logging', () => {
    it('changes the level at run time, keeps recent lines and streams new ones', async () => {
      expect(await (await management('GET', '/v0/management/logging/level')).json()).toEqual({
        level: 'warn',
        startupLevel: 'warn',
        supportedLevels: ['error', 'warn', 'info', 'debug', 'verbose', 'silly'],
        ephemeral: true,
      });
      expect((await management('PUT', '/v0/management/logging/level', { level: 'loud' })).status).toBe(400);
      expect((await management('GET', '/v0/system/logs/recent', undefined, CLIENT_KEY)).status).toBe(403);
      expect((await management('GET', '/v0/system/logs/recent', undefined, 'wrong')).status).toBe(401);
      expect((await fetch(`${gateway.url}/v0/management/events`)).status).toBe(401);
      expect((await management('GET', '/v0/management/logging/level', undefined, CLIENT_KEY)).status).toBe(403);

      const abort = new AbortController();
      const stream = await fetch(`${gateway.url}/v0/system/logs/stream`, {
        headers: { 'x-admin-key': ADMIN_KEY },
        signal: abort.signal,
      });
      expect(stream.status).toBe(200);
      const body = stream.body as ReadableStream<Uint8Array>;
      await readEvents(body, (event) => event.event === 'ping');

      const changed = await management('PUT', '/v0/management/logging/level', { level: 'debug' });
      expect(await changed.json()).toMatchObject({ level: 'debug', startupLevel: 'warn' });
      const events = await readEvents(body, (event) => event.event === 'syslog');
      abort.abort();
      expect(events.at(-1)?.data).toMatchObject({
        level: 'warn',
        message: 'log level changed from warn to debug',
        context: 'Logging',
      });

      const recent = (await (await management('GET', '/v0/system/logs/recent?limit=5')).json()) as {
        data: Array<{ message: string }>;
        total: number;
        limit: number;
        offset: number;
      };
      expect(recent.limit).toBe(5);
      expect(recent.data[0]?.message).toBe('log level changed from warn to debug');
      expect((await management('GET', '/v0/system/logs/recent?limit=5000')).status).toBe(400);

      expect(await (await management('DELETE', '/v0/management/logging/level')).json()).toMatchObject({
        level: 'warn',
      });
    });

    it('sets and clears the console module filter', async () => {
      expect(await (await management('GET', '/v0/management/logging/modules')).json()).toEqual({ modules: [] });
      expect(
        await (await management('PUT', '/v0/management/logging/modules', { modules: ['Logging'] })).json(),
      ).toEqual({ modules: ['Logging'] });
      expect((await management('PUT', '/v0/management/logging/modules', { modules: 'Logging' })).status).toBe(400);
      expect(await (await management('DELETE', '/v0/management/logging/modules')).json()).toEqual({ modules: [] });
    });
  });
});
