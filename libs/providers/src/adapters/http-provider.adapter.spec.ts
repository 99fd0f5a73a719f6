import { ErrorCode, type CanonicalChunk, type CanonicalRequest } from '@plexus/core';
import { lastValueFrom, toArray, type Observable } from 'rxjs';
import type { StallPolicy, UpstreamCall } from '../provider-adapter';
import { EmptyCompletionError, UpstreamStallError } from '../upstream-error';
import type { UpstreamHttpClient, UpstreamPost } from '../upstream-http.client';
import { OpenAiChatAdapter } from './openai-chat/openai-chat.adapter';

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

const TARGET = {
  provider: 'p',
  model: 'm',
  baseUrl: 'http://upstream',
  apiKey: null,
  headers: {},
  extraBody: {},
  timeoutMs: 10_000,
};

function chunk(delta: Record<string, unknown>, finish: string | null = null): string {
  return `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
}

const ROLE = chunk({ role: 'assistant', content: '' });
const STOP = chunk({}, 'stop');

/** An upstream that sends each piece after its delay, then ends (or, with `hang`, waits until aborted). */
function upstream(
  pieces: Array<{ afterMs?: number; text: string }>,
  options: { hang?: boolean; status?: number; body?: string } = {},
): UpstreamHttpClient {
  return {
    post: (post: UpstreamPost) => {
      async function* body(): AsyncGenerator<Buffer> {
        if (options.body !== undefined) {
          yield Buffer.from(options.body);
          return;
        }
        for (const piece of pieces) {
          if (piece.afterMs) await new Promise((resolve) => setTimeout(resolve, piece.afterMs));
          if (post.signal.aborted) throw new Error('aborted');
          yield Buffer.from(piece.text);
        }
        if (options.hang) {
          await new Promise((_, reject) => post.signal.addEventListener('abort', () => reject(new Error('aborted'))));
        }
      }
      return Promise.resolve({
        statusCode: options.status ?? 200,
        headers: {},
        body: Object.assign(body(), { text: () => Promise.resolve(options.body ?? '') }),
      });
    },
  } as unknown as UpstreamHttpClient;
}

function call(overrides: Partial<UpstreamCall> & { stall?: StallPolicy } = {}): UpstreamCall {
  const { stall, ...rest } = overrides;
  return { request: REQUEST, target: { ...TARGET, ...(stall && { stall }) }, ...rest };
}

/** Every chunk the attempt emitted before it ended, and how it ended. */
async function run(chunks$: Observable<CanonicalChunk>): Promise<{ chunks: CanonicalChunk[]; error: unknown }> {
  const chunks: CanonicalChunk[] = [];
  try {
    await lastValueFrom(chunks$.pipe(toArray())).then((all) => chunks.push(...all));
    return { chunks, error: null };
  } catch (error) {
    return { chunks, error };
  }
}

/** Like run, but sees the chunks that were emitted before an error. */
function collect(chunks$: Observable<CanonicalChunk>): Promise<{ chunks: CanonicalChunk[]; error: unknown }> {
  return new Promise((resolve) => {
    const chunks: CanonicalChunk[] = [];
    chunks$.subscribe({
      next: (value) => chunks.push(value),
      error: (error: unknown) => resolve({ chunks, error }),
      complete: () => resolve({ chunks, error: null }),
    });
  });
}

const STALL: StallPolicy = { ttfbMs: 200, ttfbBytes: 100, minBytesPerSecond: null, windowMs: 300, gracePeriodMs: 0 };

describe('HttpProviderAdapter stall detection', () => {
  it('fails a stream whose first bytes are too few by the TTFB deadline, before emitting anything', async () => {
    const adapter = new OpenAiChatAdapter(upstream([{ text: ': keep-alive\n\n' }], { hang: true }));
    const { chunks, error } = await collect(adapter.execute(call({ stall: STALL })));
    expect(chunks).toEqual([]);
    expect(error).toBeInstanceOf(UpstreamStallError);
    expect(error).toMatchObject({
      code: ErrorCode.UPSTREAM_TIMEOUT,
      phase: 'ttfb',
      message: expect.stringContaining('p/m stalled'),
    });
  });

  it('ends a stream whose throughput drops, after what it already emitted', async () => {
    const policy: StallPolicy = { ...STALL, ttfbMs: null, ttfbBytes: 50, minBytesPerSecond: 1000 };
    const adapter = new OpenAiChatAdapter(
      upstream([{ text: ROLE }, { text: chunk({ content: 'partial' }) }], { hang: true }),
    );
    const { chunks, error } = await collect(adapter.execute(call({ stall: policy })));
    expect(chunks.some((c) => c.type === 'block_delta')).toBe(true);
    expect(error).toMatchObject({ phase: 'throughput' });
  });

  it('lets a healthy stream through untouched', async () => {
    const adapter = new OpenAiChatAdapter(
      upstream([{ text: ROLE }, { text: chunk({ content: 'hello there, this is a whole answer' }) }, { text: STOP }]),
    );
    const { chunks, error } = await run(adapter.execute(call({ stall: STALL })));
    expect(error).toBeNull();
    expect(chunks.at(-1)).toMatchObject({ type: 'finish', reason: 'stop' });
  });

  it('does not watch non-streamed answers', async () => {
    const body = JSON.stringify({
      id: 'c',
      object: 'chat.completion',
      created: 1,
      model: 'm',
      choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
    });
    const adapter = new OpenAiChatAdapter(upstream([], { body }));
    const { error } = await run(adapter.execute(call({ request: { ...REQUEST, stream: false }, stall: STALL })));
    expect(error).toBeNull();
  });
});

describe('HttpProviderAdapter empty completions', () => {
  const EMPTY_STREAM = [{ text: ROLE }, { text: STOP }, { text: 'data: [DONE]\n\n' }];

  it('fails an empty stream without emitting anything when another target may answer', async () => {
    const adapter = new OpenAiChatAdapter(upstream(EMPTY_STREAM));
    const { chunks, error } = await collect(adapter.execute(call({ failOnEmpty: true })));
    expect(chunks).toEqual([]);
    expect(error).toBeInstanceOf(EmptyCompletionError);
  });

  it('fails an empty relayed (pass-through) stream the same way', async () => {
    const adapter = new OpenAiChatAdapter(upstream(EMPTY_STREAM));
    const { chunks, error } = await collect(
      adapter.execute(call({ failOnEmpty: true, passthroughBody: { model: 'alias', messages: [] } })),
    );
    expect(chunks).toEqual([]);
    expect(error).toBeInstanceOf(EmptyCompletionError);
  });

  it('returns the empty answer as it is on the last target', async () => {
    const adapter = new OpenAiChatAdapter(upstream(EMPTY_STREAM));
    const { chunks, error } = await run(adapter.execute(call({ failOnEmpty: false })));
    expect(error).toBeNull();
    expect(chunks.at(-1)).toMatchObject({ type: 'finish' });
  });

  it('releases the held chunks in order once content arrives', async () => {
    const adapter = new OpenAiChatAdapter(
      upstream([{ text: ROLE }, { text: chunk({ content: 'hi' }) }, { text: STOP }]),
    );
    const { chunks, error } = await run(adapter.execute(call({ failOnEmpty: true })));
    expect(error).toBeNull();
    expect(chunks.map((c) => c.type)).toEqual(['start', 'block_start', 'block_delta', 'block_stop', 'finish']);
  });

  it('counts a tool call as content', async () => {
    const tool = chunk({
      tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '' } }],
    });
    const adapter = new OpenAiChatAdapter(
      upstream([{ text: ROLE }, { text: tool }, { text: chunk({}, 'tool_calls') }]),
    );
    const { error } = await run(adapter.execute(call({ failOnEmpty: true })));
    expect(error).toBeNull();
  });

  it('fails an empty non-streamed answer', async () => {
    const body = JSON.stringify({
      id: 'c',
      object: 'chat.completion',
      created: 1,
      model: 'm',
      choices: [{ index: 0, message: { role: 'assistant', content: '' }, finish_reason: 'stop' }],
    });
    const adapter = new OpenAiChatAdapter(upstream([], { body }));
    const { error } = await run(adapter.execute(call({ request: { ...REQUEST, stream: false }, failOnEmpty: true })));
    expect(error).toBeInstanceOf(EmptyCompletionError);
  });
});
