import {
  ANSWER,
  CLIENT_FORMATS,
  PROVIDER_FORMATS,
  ScriptedUpstream,
  WIRE_FORMATS,
  answerProblems,
  exchange,
  passthroughProblems,
  requestProblems,
  stallingReply,
  standardReply,
  startGateway,
  subsetMismatches,
  type ClientExchange,
  type ClientOptions,
  type GatewayProcess,
  type WireFormat,
} from '@plexus/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The translation matrix: each client wire format (chat, responses, messages, gemini)
 * sends one standard conversation to each provider wire format, JSON and streamed, and
 * nothing may be lost on the way in (what the scripted upstream received) or on the way
 * back (what the client got, in its own format). The conversation, the answer and the
 * per-format readers live in libs/testing/src/matrix.
 */

const ADMIN_KEY = 'matrix-admin';
const API_KEY = 'sk-matrix-client';
const UPSTREAM_KEY = 'sk-matrix-upstream';

type Pair = [client: WireFormat, provider: WireFormat];
const PAIRS: Pair[] = WIRE_FORMATS.flatMap((client) => WIRE_FORMATS.map((provider): Pair => [client, provider]));
const MODES: Array<[mode: string, stream: boolean]> = [
  ['JSON', false],
  ['stream', true],
];

/**
 * Cases that fail because of a gateway bug (not a test bug), as `<client>→<provider> <mode>`.
 * They keep asserting the correct behaviour, marked `it.failing` until the gateway is fixed.
 */
const KNOWN_GATEWAY_BUGS = new Set<string>([]);

/** Every answer names its request and the time the gateway itself added (a number of milliseconds). */
function gatewayHeaderProblems(headers: Headers): string[] {
  const problems: string[] = [];
  if (!/^[0-9a-f-]{36}$/.test(headers.get('x-request-id') ?? '')) problems.push(`x-request-id: got ${headers.get('x-request-id')}`);
  const overhead = headers.get('x-plexus-overhead-ms');
  if (overhead === null || !/^\d+(\.\d+)?$/.test(overhead) || !Number.isFinite(Number(overhead))) problems.push(`x-plexus-overhead-ms: got ${overhead}`);
  return problems;
}

const caseKey = (client: WireFormat, provider: WireFormat, mode: string): string => `${client}→${provider} ${mode}`;
const aliasOf = (provider: WireFormat): string => `to-${provider}`;

/** What each client format sends when its stream fails after the first bytes. */
const IN_STREAM_ERROR: Record<WireFormat, RegExp> = {
  chat: /^data: \{"error":/m,
  responses: /^event: (error|response\.failed)$/m,
  messages: /^event: error$/m,
  gemini: /^data: \{"error":/m,
};

describe('translation matrix: every client format to every provider format and back', () => {
  let dataDir: string;
  let gateway: GatewayProcess;
  const upstreams = {} as Record<WireFormat, ScriptedUpstream>;

  const admin = async (path: string, body: unknown): Promise<void> => {
    const response = await fetch(`${gateway.url}/v0/management${path}`, {
      method: 'PUT',
      headers: { 'x-admin-key': ADMIN_KEY, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status !== 200) throw new Error(`PUT ${path}: ${response.status} ${await response.text()}`);
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'plexus-matrix-'));
    for (const format of WIRE_FORMATS) upstreams[format] = await ScriptedUpstream.start();
    gateway = await startGateway({ ADMIN_KEY, DATA_DIR: dataDir });
    for (const format of WIRE_FORMATS) {
      const provider = PROVIDER_FORMATS[format];
      await admin(`/providers/p-${format}`, { api_base_url: provider.apiBaseUrl(upstreams[format].url), api_key: UPSTREAM_KEY, timeoutMs: 1000 });
      await admin(`/aliases/${aliasOf(format)}`, {
        target_groups: [{ name: 'only', selector: 'in_order', targets: [{ provider: `p-${format}`, model: provider.model }] }],
      });
    }
    await admin('/keys/matrix', { secret: API_KEY });
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all(Object.values(upstreams).map((upstream) => upstream.stop()));
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  beforeEach(() => {
    for (const format of WIRE_FORMATS) {
      const upstream = upstreams[format];
      upstream.requests.length = 0;
      upstream.script((request) => standardReply(PROVIDER_FORMATS[format], request));
    }
  });

  /** Sends the standard conversation through one pair and lists everything lost either way. */
  async function translate(clientFormat: WireFormat, providerFormat: WireFormat, stream: boolean, options?: ClientOptions): Promise<ClientExchange> {
    const client = CLIENT_FORMATS[clientFormat];
    const provider = PROVIDER_FORMATS[providerFormat];
    const upstream = upstreams[providerFormat];
    const result = await exchange(gateway.url, client, { alias: aliasOf(providerFormat), stream, apiKey: API_KEY, ...(options && { options }) });

    const problems: string[] = [];
    if (result.status !== 200) problems.push(`HTTP ${result.status}: ${result.raw.slice(0, 500)}`);
    const expectedType = stream ? 'text/event-stream' : 'application/json';
    if (!result.contentType.startsWith(expectedType)) problems.push(`content-type: expected ${expectedType}, got ${result.contentType}`);
    problems.push(...gatewayHeaderProblems(result.headers));
    if (upstream.requests.length !== 1) problems.push(`upstream calls: expected 1, got ${upstream.requests.length}`);
    const sent = upstream.requests[0];
    if (sent) {
      if (sent.path !== provider.path(stream)) problems.push(`upstream path: expected ${provider.path(stream)}, got ${sent.path}`);
      for (const [header, value] of Object.entries(provider.authHeaders(UPSTREAM_KEY))) {
        if (sent.headers[header] !== value) problems.push(`upstream header ${header}: expected ${value}, got ${String(sent.headers[header])}`);
      }
      problems.push(...requestProblems(provider.read(sent), provider, stream).map((problem) => `request: ${problem}`));
    }
    problems.push(...answerProblems(result.answer, client, provider).map((problem) => `answer: ${problem}`));
    if (clientFormat === providerFormat && !options?.storeDefault) problems.push(...passthroughProblems(result.raw, provider, stream));
    expect(problems).toEqual([]);
    return result;
  }

  describe.each(MODES)('%s', (mode, stream) => {
    const working = PAIRS.filter(([client, provider]) => !KNOWN_GATEWAY_BUGS.has(caseKey(client, provider, mode)));
    const broken = PAIRS.filter(([client, provider]) => KNOWN_GATEWAY_BUGS.has(caseKey(client, provider, mode)));
    it.each(working)('%s client → %s provider', async (client, provider) => {
      await translate(client, provider, stream);
    });
    if (broken.length > 0) {
      it.failing.each(broken)('%s client → %s provider (known gateway bug)', async (client, provider) => {
        await translate(client, provider, stream);
      });
    }
  });

  describe('a Responses client leaving store at its default (true): the translated path, and the stored answer', () => {
    const cases = WIRE_FORMATS.flatMap((provider) => MODES.map(([mode, stream]): [WireFormat, string, boolean] => [provider, mode, stream]));
    it.each(cases)('responses client → %s provider, %s', async (provider, _mode, stream) => {
      const { answer } = await translate('responses', provider, stream, { storeDefault: true });
      // The gateway's own id (not the upstream's), under which it stored the answer.
      expect(answer.id).toMatch(/^resp_[0-9a-f]{32}$/);
      const stored = await fetch(`${gateway.url}/v1/responses/${answer.id}`, { headers: { authorization: `Bearer ${API_KEY}` } });
      expect(stored.status).toBe(200);
      const kept = CLIENT_FORMATS.responses.reader.body(await stored.json());
      expect(kept).toMatchObject({ text: ANSWER.text, toolCalls: [{ name: ANSWER.call.name, arguments: ANSWER.call.arguments }] });
      expect(subsetMismatches(kept.usage, CLIENT_FORMATS.responses.usage, 'stored usage')).toEqual([]);
    });
  });

  describe('an upstream that stalls mid-stream (provider timeoutMs 1000): an in-stream error, not a completion', () => {
    // Each client format once across formats, and once on its own format's pass-through.
    const cases: Pair[] = [
      ['chat', 'messages'],
      ['responses', 'gemini'],
      ['messages', 'chat'],
      ['gemini', 'responses'],
      ...WIRE_FORMATS.map((format): Pair => [format, format]),
    ];
    it.each(cases)('%s client ← %s provider', async (clientFormat, providerFormat) => {
      upstreams[providerFormat].script(() => stallingReply(PROVIDER_FORMATS[providerFormat]));
      const result = await exchange(gateway.url, CLIENT_FORMATS[clientFormat], { alias: aliasOf(providerFormat), stream: true, apiKey: API_KEY });
      expect({ status: result.status, contentType: result.contentType }).toEqual({ status: 200, contentType: expect.stringMatching(/^text\/event-stream/) });
      // The partial answer reached the client before the failure...
      expect(result.answer.text).toBe(ANSWER.textPieces[0]);
      // ...then the format's error event, and no normal completion.
      expect(result.raw).toMatch(IN_STREAM_ERROR[clientFormat]);
      expect(result.answer.errors).not.toHaveLength(0);
      expect(result.answer.completed).toBe(false);
    });
  });

  describe('usage accounting', () => {
    interface RecordedUsage {
      incomingApiType: string;
      outgoingApiType: string | null;
      responseStatus: string;
      isStreamed: boolean;
      tokensInput: number;
      tokensCached: number;
      tokensOutput: number;
    }

    it('records, for every pair and mode, exactly the usage the upstream reported, and prints the matrix', async () => {
      const expected = { tokensInput: ANSWER.usage.input - ANSWER.usage.cached, tokensCached: ANSWER.usage.cached, tokensOutput: ANSWER.usage.output };
      const fetchSuccesses = async (): Promise<RecordedUsage[]> => {
        const fields = 'incomingApiType,outgoingApiType,responseStatus,isStreamed,tokensInput,tokensCached,tokensOutput';
        const response = await fetch(`${gateway.url}/v0/management/usage?limit=500&responseStatus=success&fields=${fields}`, {
          headers: { 'x-admin-key': ADMIN_KEY },
        });
        return ((await response.json()) as { data: RecordedUsage[] }).data;
      };
      // Usage rows are written in batches, off the request path: wait for this suite's.
      let rows = await fetchSuccesses();
      for (let tries = 0; tries < 40 && rows.length < PAIRS.length * MODES.length; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        rows = await fetchSuccesses();
      }

      const cell = (client: WireFormat, provider: WireFormat, stream: boolean): string => {
        const matching = rows.filter((row) => row.incomingApiType === client && row.outgoingApiType === provider && row.isStreamed === stream);
        if (matching.length === 0) return 'missing';
        const exact = matching.every(
          (row) => row.tokensInput === expected.tokensInput && row.tokensCached === expected.tokensCached && row.tokensOutput === expected.tokensOutput,
        );
        const sample = matching[0];
        return `${exact ? 'ok' : 'WRONG'} ${sample.tokensInput}+${sample.tokensCached}c/${sample.tokensOutput}`;
      };
      const lines = [
        `recorded usage (input+cached/output; upstream reported ${expected.tokensInput}+${expected.tokensCached}c/${expected.tokensOutput}), JSON | stream:`,
        ['client \\ provider', ...WIRE_FORMATS].join(' | '),
        ...WIRE_FORMATS.map((client) =>
          [client, ...WIRE_FORMATS.map((provider) => `${cell(client, provider, false)} | ${cell(client, provider, true)}`)].join(' | '),
        ),
      ];
      process.stdout.write(`\n${lines.join('\n')}\n\n`);
      const cells = PAIRS.flatMap(([client, provider]) => [cell(client, provider, false), cell(client, provider, true)]);
      expect(cells.filter((value) => !value.startsWith('ok'))).toEqual([]);
    });
  });
});
