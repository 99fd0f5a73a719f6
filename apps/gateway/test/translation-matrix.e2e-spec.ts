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
  type RecordedTokens,
  type WireFormat,
  expectedRichUsage,
  withRichUsage,
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
  if (!/^[0-9a-f-]{36}$/.test(headers.get('x-request-id') ?? ''))
    problems.push(`x-request-id: got ${headers.get('x-request-id')}`);
  const overhead = headers.get('x-plexus-overhead-ms');
  if (overhead === null || !/^\d+(\.\d+)?$/.test(overhead) || !Number.isFinite(Number(overhead)))
    problems.push(`x-plexus-overhead-ms: got ${overhead}`);
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
      await admin(`/providers/p-${format}`, {
        api_base_url: provider.apiBaseUrl(upstreams[format].url),
        api_key: UPSTREAM_KEY,
        timeoutMs: 1000,
      });
      await admin(`/aliases/${aliasOf(format)}`, {
        target_groups: [
          { name: 'only', selector: 'in_order', targets: [{ provider: `p-${format}`, model: provider.model }] },
        ],
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
  async function translate(
    clientFormat: WireFormat,
    providerFormat: WireFormat,
    stream: boolean,
    options?: ClientOptions,
  ): Promise<ClientExchange> {
    const client = CLIENT_FORMATS[clientFormat];
    const provider = PROVIDER_FORMATS[providerFormat];
    const upstream = upstreams[providerFormat];
    const result = await exchange(gateway.url, client, {
      alias: aliasOf(providerFormat),
      stream,
      apiKey: API_KEY,
      ...(options && { options }),
    });

    const problems: string[] = [];
    if (result.status !== 200) problems.push(`HTTP ${result.status}: ${result.raw.slice(0, 500)}`);
    const expectedType = stream ? 'text/event-stream' : 'application/json';
    if (!result.contentType.startsWith(expectedType))
      problems.push(`content-type: expected ${expectedType}, got ${result.contentType}`);
    problems.push(...gatewayHeaderProblems(result.headers));
    if (upstream.requests.length !== 1) problems.push(`upstream calls: expected 1, got ${upstream.requests.length}`);
    const sent = upstream.requests[0];
    if (sent) {
      if (sent.path !== provider.path(stream))
        problems.push(`upstream path: expected ${provider.path(stream)}, got ${sent.path}`);
      for (const [header, value] of Object.entries(provider.authHeaders(UPSTREAM_KEY))) {
        if (sent.headers[header] !== value)
          problems.push(`upstream header ${header}: expected ${value}, got ${String(sent.headers[header])}`);
      }
      problems.push(...requestProblems(provider.read(sent), provider, stream).map((problem) => `request: ${problem}`));
    }
    problems.push(...answerProblems(result.answer, client, provider).map((problem) => `answer: ${problem}`));
    if (clientFormat === providerFormat && !options?.storeDefault)
      problems.push(...passthroughProblems(result.raw, provider, stream));
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
    const cases = WIRE_FORMATS.flatMap((provider) =>
      MODES.map(([mode, stream]): [WireFormat, string, boolean] => [provider, mode, stream]),
    );
    it.each(cases)('responses client → %s provider, %s', async (provider, _mode, stream) => {
      const { answer } = await translate('responses', provider, stream, { storeDefault: true });
      // The gateway's own id (not the upstream's), under which it stored the answer.
      expect(answer.id).toMatch(/^resp_[0-9a-f]{32}$/);
      const stored = await fetch(`${gateway.url}/v1/responses/${answer.id}`, {
        headers: { authorization: `Bearer ${API_KEY}` },
      });
      expect(stored.status).toBe(200);
      const kept = CLIENT_FORMATS.responses.reader.body(await stored.json());
      expect(kept).toMatchObject({
        text: ANSWER.text,
        toolCalls: [{ name: ANSWER.call.name, arguments: ANSWER.call.arguments }],
      });
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
      const result = await exchange(gateway.url, CLIENT_FORMATS[clientFormat], {
        alias: aliasOf(providerFormat),
        stream: true,
        apiKey: API_KEY,
      });
      expect({ status: result.status, contentType: result.contentType }).toEqual({
        status: 200,
        contentType: expect.stringMatching(/^text\/event-stream/),
      });
      // The partial answer reached the client before the failure...
      expect(result.answer.text).toBe(ANSWER.textPieces[0]);
      // ...then the format's error event, and no normal completion.
      expect(result.raw).toMatch(IN_STREAM_ERROR[clientFormat]);
      expect(result.answer.errors).not.toHaveLength(0);
      expect(result.answer.completed).toBe(false);
    });
  });

  describe('usage accounting', () => {
    /** USD per million tokens on the usage providers' model. */
    const PRICES = { input: 2, output: 8, cached: 0.5, cache_write: 2.5 };
    const usageAlias = (provider: WireFormat): string => `usage-${provider}`;
    const FIELDS = [
      'requestId',
      'tokensInput',
      'tokensCached',
      'tokensCacheWrite',
      'tokensOutput',
      'tokensReasoning',
      'costInput',
      'costOutput',
      'costCached',
      'costCacheWrite',
      'costTotal',
      'costSource',
    ] as const;
    type RecordedUsage = RecordedTokens & {
      requestId: string;
      costInput: number;
      costOutput: number;
      costCached: number;
      costCacheWrite: number;
      costTotal: number;
      costSource: string;
    };

    const round = (usd: number): number => Math.round(usd * 1e8) / 1e8;
    function expectedCost(
      tokens: RecordedTokens,
    ): Pick<RecordedUsage, 'costInput' | 'costOutput' | 'costCached' | 'costCacheWrite' | 'costTotal'> {
      const costInput = round((tokens.tokensInput * PRICES.input) / 1e6);
      const costOutput = round((tokens.tokensOutput * PRICES.output) / 1e6);
      const costCached = round((tokens.tokensCached * PRICES.cached) / 1e6);
      const costCacheWrite = round((tokens.tokensCacheWrite * PRICES.cache_write) / 1e6);
      return {
        costInput,
        costOutput,
        costCached,
        costCacheWrite,
        costTotal: round(costInput + costOutput + costCached + costCacheWrite),
      };
    }

    beforeAll(async () => {
      for (const format of WIRE_FORMATS) {
        const provider = PROVIDER_FORMATS[format];
        await admin(`/providers/u-${format}`, {
          api_base_url: provider.apiBaseUrl(upstreams[format].url),
          api_key: UPSTREAM_KEY,
          timeoutMs: 1000,
          models: { [provider.model]: { pricing: { source: 'simple', ...PRICES } } },
        });
        await admin(`/aliases/${usageAlias(format)}`, {
          target_groups: [
            { name: 'only', selector: 'in_order', targets: [{ provider: `u-${format}`, model: provider.model }] },
          ],
        });
      }
    });

    it('records, for every pair and mode, the tokens (cache read, cache write, reasoning) and cost the upstream reported at the configured prices, and prints the matrix', async () => {
      for (const format of WIRE_FORMATS)
        upstreams[format].script((request) => withRichUsage(format, standardReply(PROVIDER_FORMATS[format], request)));
      const sent: Array<{ client: WireFormat; provider: WireFormat; stream: boolean; requestId: string }> = [];
      const failures: string[] = [];
      for (const [client, provider] of PAIRS) {
        for (const [, stream] of MODES) {
          const result = await exchange(gateway.url, CLIENT_FORMATS[client], {
            alias: usageAlias(provider),
            stream,
            apiKey: API_KEY,
          });
          if (result.status !== 200)
            failures.push(
              `${caseKey(client, provider, stream ? 'stream' : 'JSON')}: HTTP ${result.status} ${result.raw.slice(0, 300)}`,
            );
          sent.push({ client, provider, stream, requestId: result.headers.get('x-request-id') ?? '' });
        }
      }
      expect(failures).toEqual([]);

      // Usage rows are written in batches, off the request path: wait for these.
      const wanted = new Set(sent.map((entry) => entry.requestId));
      let rows = new Map<string, RecordedUsage>();
      for (let tries = 0; tries < 50 && rows.size < wanted.size; tries++) {
        if (tries > 0) await new Promise((resolve) => setTimeout(resolve, 100));
        const response = await fetch(`${gateway.url}/v0/management/usage?limit=500&fields=${FIELDS.join(',')}`, {
          headers: { 'x-admin-key': ADMIN_KEY },
        });
        const data = ((await response.json()) as { data: RecordedUsage[] }).data;
        rows = new Map(data.filter((row) => wanted.has(row.requestId)).map((row) => [row.requestId, row]));
      }

      const cell = (client: WireFormat, provider: WireFormat, stream: boolean): string => {
        const entry = sent.find(
          (candidate) => candidate.client === client && candidate.provider === provider && candidate.stream === stream,
        );
        const row = entry && rows.get(entry.requestId);
        if (!row) return 'missing';
        const tokens = expectedRichUsage(provider);
        const cost = expectedCost(tokens);
        const exact =
          (Object.keys(tokens) as Array<keyof RecordedTokens>).every((field) => row[field] === tokens[field]) &&
          (Object.keys(cost) as Array<keyof typeof cost>).every((field) => Math.abs(row[field] - cost[field]) < 1e-9) &&
          row.costSource === 'simple';
        return `${exact ? 'ok' : 'WRONG'} ${row.tokensInput}+${row.tokensCached}r+${row.tokensCacheWrite}w/${row.tokensOutput}(${row.tokensReasoning}) $${row.costTotal}`;
      };
      const expectation = (provider: WireFormat): string => {
        const tokens = expectedRichUsage(provider);
        return `${provider}: ${tokens.tokensInput}+${tokens.tokensCached}r+${tokens.tokensCacheWrite}w/${tokens.tokensOutput}(${tokens.tokensReasoning}) $${expectedCost(tokens).costTotal}`;
      };
      const lines = [
        'recorded usage, input+cache read r+cache write w/output(reasoning) $cost',
        `upstream reported (prices per M: in ${PRICES.input}, out ${PRICES.output}, cache read ${PRICES.cached}, cache write ${PRICES.cache_write}): ${WIRE_FORMATS.map(expectation).join('; ')}`,
        ['client \\ provider', ...WIRE_FORMATS.flatMap((provider) => [`${provider} JSON`, `${provider} stream`])].join(
          ' | ',
        ),
        ...WIRE_FORMATS.map((client) =>
          [
            client,
            ...WIRE_FORMATS.map((provider) => `${cell(client, provider, false)} | ${cell(client, provider, true)}`),
          ].join(' | '),
        ),
      ];
      process.stdout.write(`\n${lines.join('\n')}\n\n`);
      const cells = PAIRS.flatMap(([client, provider]) => [
        cell(client, provider, false),
        cell(client, provider, true),
      ]);
      expect(cells.filter((value) => !value.startsWith('ok'))).toEqual([]);

      // The dashboard summary aggregates the same rows, per alias and per provider model.
      const summary = (await (
        await fetch(`${gateway.url}/v0/management/usage/summary?range=hour&bucket=minute&limit=20`, {
          headers: { 'x-admin-key': ADMIN_KEY },
        })
      ).json()) as {
        bucket: string;
        series: Array<{ requests: number; p50DurationMs: number | null; p95TtftMs: number | null }>;
        byAlias: Array<{
          name: string;
          requests: number;
          cost: number;
          cacheWriteTokens: number;
          reasoningTokens: number;
          p99DurationMs: number | null;
        }>;
        topModels: Array<{ name: string; provider: string; requests: number }>;
      };
      expect(summary.bucket).toBe('minute');
      expect(
        summary.series.some((point) => typeof point.p50DurationMs === 'number' && typeof point.p95TtftMs === 'number'),
      ).toBe(true);
      for (const provider of WIRE_FORMATS) {
        // Each alias was asked by every client format, JSON and streamed.
        const perAlias = WIRE_FORMATS.length * MODES.length;
        const tokens = expectedRichUsage(provider);
        expect(summary.byAlias.find((entry) => entry.name === usageAlias(provider))).toMatchObject({
          requests: perAlias,
          cacheWriteTokens: perAlias * tokens.tokensCacheWrite,
          reasoningTokens: perAlias * tokens.tokensReasoning,
          cost: expect.closeTo(perAlias * expectedCost(tokens).costTotal, 8),
          p99DurationMs: expect.any(Number),
        });
        expect(summary.topModels).toContainEqual(
          expect.objectContaining({
            provider: `u-${provider}`,
            name: PROVIDER_FORMATS[provider].model,
            requests: perAlias,
          }),
        );
      }
    });
  });
});
