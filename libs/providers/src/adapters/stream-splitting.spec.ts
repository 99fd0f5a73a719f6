import type { CanonicalChunk, CanonicalRequest } from '@plexus/core';
import { AnthropicStreamEncoder } from '@plexus/protocols/anthropic';
import { GeminiStreamEncoder } from '@plexus/protocols/gemini';
import { ChatStreamEncoder } from '@plexus/protocols/openai-chat';
import { ResponsesStreamEncoder } from '@plexus/protocols/openai-responses';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { lastValueFrom, toArray } from 'rxjs';
import type { ProviderAdapter } from '../provider-adapter';
import type { UpstreamHttpClient } from '../upstream-http.client';
import { AnthropicAdapter } from './anthropic/anthropic.adapter';
import { GeminiAdapter } from './gemini/gemini.adapter';
import { OpenAiChatAdapter } from './openai-chat/openai-chat.adapter';
import { OpenAiResponsesAdapter } from './openai-responses/openai-responses.adapter';

interface StreamEncoder {
  encode(chunk: CanonicalChunk): string;
  end(): string;
}

const PROTOCOLS = join(__dirname, '..', '..', '..', 'protocols');

function fixture(path: string): Buffer {
  return readFileSync(join(PROTOCOLS, path));
}

/** Each upstream format's recorded stream and the real adapter that reads it. */
const UPSTREAMS: Array<{ format: string; sse: Buffer; adapter: (http: UpstreamHttpClient) => ProviderAdapter }> = [
  {
    format: 'chat',
    sse: fixture('openai-chat/src/fixtures/chat-stream.sse'),
    adapter: (http) => new OpenAiChatAdapter(http),
  },
  {
    format: 'messages',
    sse: fixture('anthropic/src/fixtures/messages-stream.sse'),
    adapter: (http) => new AnthropicAdapter(http),
  },
  {
    format: 'gemini',
    sse: fixture('gemini/src/fixtures/gemini-stream.sse'),
    adapter: (http) => new GeminiAdapter(http),
  },
  {
    format: 'responses',
    sse: fixture('openai-responses/src/fixtures/responses-stream.sse'),
    adapter: (http) => new OpenAiResponsesAdapter(http),
  },
];

/** Each client format's stream encoder. */
const CLIENTS: Array<{ format: string; encoder: () => StreamEncoder }> = [
  {
    format: 'chat',
    encoder: () => new ChatStreamEncoder({ includeUsage: true, fallbackId: 'id', fallbackModel: 'm' }),
  },
  { format: 'messages', encoder: () => new AnthropicStreamEncoder({ fallbackId: 'id', fallbackModel: 'm' }) },
  { format: 'gemini', encoder: () => new GeminiStreamEncoder({ fallbackId: 'id', fallbackModel: 'm' }) },
  { format: 'responses', encoder: () => new ResponsesStreamEncoder({ fallbackId: 'id', fallbackModel: 'm' }) },
];

/** An HTTP client whose upstream answers with the given pieces of bytes, one read each. */
function httpAnswering(pieces: Buffer[]): UpstreamHttpClient {
  return {
    post: () => Promise.resolve({ statusCode: 200, headers: {}, body: Readable.from(pieces) }),
  } as unknown as UpstreamHttpClient;
}

const REQUEST: CanonicalRequest = {
  model: 'alias',
  instructions: [],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
  tools: [],
  sampling: {},
  stream: true,
  streamUsage: true,
  extensions: {},
};

/** What the gateway does with upstream bytes arriving in the given pieces. */
async function translate(
  pieces: Buffer[],
  adapter: (http: UpstreamHttpClient) => ProviderAdapter,
  encoder: StreamEncoder,
): Promise<string> {
  const chunks = await lastValueFrom(
    adapter(httpAnswering(pieces))
      .execute({
        request: REQUEST,
        target: {
          provider: 'p',
          model: 'm',
          baseUrl: 'http://upstream',
          apiKey: null,
          headers: {},
          extraBody: {},
          timeoutMs: 1000,
        },
      })
      .pipe(toArray()),
  );
  return chunks.map((chunk) => encoder.encode(chunk)).join('') + encoder.end();
}

function split(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let start = 0;
  for (const point of points) {
    pieces.push(bytes.subarray(start, point));
    start = point;
  }
  pieces.push(bytes.subarray(start));
  return pieces;
}

/** Wall-clock fields (`created`) differ between runs of an encoder: compare without them. */
function stable(output: string): string {
  return output.replace(/"(created|created_at)":\d+/g, '"$1":0');
}

describe.each(UPSTREAMS)('a $format upstream stream split at any byte boundaries', (upstream) => {
  const bytes = upstream.sse;

  it.each(CLIENTS)('gives a $format client the same output as unsplit', async (client) => {
    const whole = stable(await translate([bytes], upstream.adapter, client.encoder()));
    expect(whole.length).toBeGreaterThan(0);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat({ max: bytes.length }), { maxLength: 40 }), async (cuts) => {
        expect(stable(await translate(split(bytes, cuts), upstream.adapter, client.encoder()))).toBe(whole);
      }),
      { numRuns: 150 },
    );
  });
});
