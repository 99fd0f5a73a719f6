import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createParser } from 'eventsource-parser';
import { ErrorCode, GatewayException, ResponseAccumulator, type CanonicalChunk, type Usage } from '@plexus/core';
import { AnthropicStreamDecoder } from './anthropic-stream.decoder';
import { AnthropicStreamEncoder } from './anthropic-stream.encoder';

function fixtureText(name: string): string {
  return readFileSync(join(__dirname, 'fixtures', name), 'utf8');
}

interface SseEvent {
  event: string | undefined;
  data: string;
}

/** The events of an SSE text, in order, read by a real SSE parser. */
function sseEvents(text: string, feedSize = text.length): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = createParser({
    onEvent: (event) => events.push({ event: event.event, data: event.data }),
    onError: (error) => {
      throw error;
    },
  });
  for (let offset = 0; offset < text.length; offset += feedSize) parser.feed(text.slice(offset, offset + feedSize));
  return events;
}

/** Runs an upstream SSE text through an AnthropicStreamDecoder, as the provider adapter does. */
function decodeSse(text: string, feedSize?: number): CanonicalChunk[] {
  const decoder = new AnthropicStreamDecoder();
  const out: CanonicalChunk[] = [];
  for (const { event, data } of sseEvents(text, feedSize)) out.push(...decoder.decode(event, JSON.parse(data)));
  out.push(...decoder.end());
  return out;
}

function encodeAll(chunks: CanonicalChunk[]): string {
  const encoder = new AnthropicStreamEncoder({ fallbackId: 'msg_fallback', fallbackModel: 'alias' });
  return chunks.map((chunk) => encoder.encode(chunk)).join('') + encoder.end();
}

/** The parsed data of each event, checking that the SSE event name matches its `type`. */
function eventData(text: string): Array<Record<string, unknown>> {
  return sseEvents(text).map(({ event, data }) => {
    const parsed = JSON.parse(data) as Record<string, unknown>;
    expect(event).toBe(parsed['type']);
    return parsed;
  });
}

function argumentsOf(chunks: CanonicalChunk[], index: number): string {
  return chunks
    .map((chunk) =>
      chunk.type === 'block_delta' && chunk.index === index && chunk.delta.kind === 'tool_arguments'
        ? chunk.delta.json
        : '',
    )
    .join('');
}

const usage = (inputTokens: number, outputTokens: number, cacheReadTokens = 0): Usage => ({
  inputTokens,
  outputTokens,
  cacheReadTokens,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
});

const upstreamSse = fixtureText('messages-stream.sse');
const goldenChunks = JSON.parse(fixtureText('messages-stream.canonical.json')) as CanonicalChunk[];
const chatChunks = JSON.parse(fixtureText('from-chat-stream.canonical.json')) as CanonicalChunk[];
const SIGNATURE =
  'EqQBCkgIBxABGAIqQNs3k1/Lc0R8Hj+Pq2eW4xQbv5m7YtZ9uXo1rN6aKd2sF8gH3jJ0lM+cV7bN4xT2yU9iO5pA1sD6fG8hJ2kL4mE0SDAx9Yz7Wv3Ur5Tq1PoNmRoMiLk8Jh6Gf4Ed2Cb0Aa9Z8Xw==';

beforeEach(() => {
  jest.spyOn(Date, 'now').mockReturnValue(1764000000000);
});

afterEach(() => {
  jest.restoreAllMocks();
});

describe('AnthropicStreamDecoder (golden fixture)', () => {
  it('decodes the upstream SSE into the golden canonical chunks', () => {
    expect(decodeSse(upstreamSse)).toStrictEqual(goldenChunks);
  });

  it('gives the same chunks however the bytes are split', () => {
    for (const size of [1, 7, 64, 333]) expect(decodeSse(upstreamSse, size)).toStrictEqual(goldenChunks);
  });

  it('reads the event type from the data when the SSE event name is missing', () => {
    const decoder = new AnthropicStreamDecoder();
    const out = sseEvents(upstreamSse).flatMap(({ data }) => decoder.decode(undefined, JSON.parse(data)));
    expect(out).toStrictEqual(goldenChunks);
  });

  it('opens and closes each block once, deltas in between', () => {
    const chunks = decodeSse(upstreamSse);
    expect(chunks.filter((chunk) => chunk.type === 'block_start').map((chunk) => chunk.index)).toEqual([0, 1, 2, 3]);
    expect(chunks.filter((chunk) => chunk.type === 'block_stop').map((chunk) => chunk.index)).toEqual([0, 1, 2, 3]);
    for (const [at, chunk] of chunks.entries()) {
      if (chunk.type !== 'block_delta') continue;
      expect(chunks.findIndex((other) => other.type === 'block_start' && other.index === chunk.index)).toBeLessThan(at);
      expect(chunks.findIndex((other) => other.type === 'block_stop' && other.index === chunk.index)).toBeGreaterThan(
        at,
      );
    }
  });

  it('keeps the thinking signature byte for byte and re-assembles both tool calls into valid JSON', () => {
    const chunks = decodeSse(upstreamSse);
    const signatures = chunks.flatMap((chunk) =>
      chunk.type === 'block_delta' && chunk.delta.kind === 'signature' ? [chunk.delta.signature] : [],
    );
    expect(signatures).toEqual([SIGNATURE]);
    expect(JSON.parse(argumentsOf(chunks, 2))).toEqual({ city: 'Paris', unit: 'celsius' });
    expect(JSON.parse(argumentsOf(chunks, 3))).toEqual({ city: 'Tokyo', unit: 'celsius' });
  });

  it('reports the input usage at message_start and the merged totals at message_delta', () => {
    const usages = decodeSse(upstreamSse).flatMap((chunk) => (chunk.type === 'usage' ? [chunk.usage] : []));
    expect(usages).toEqual([usage(56, 3, 64), usage(56, 85, 64)]);
  });

  it('yields only start, usage and finish from the two events a pass-through relay parses', () => {
    const decoder = new AnthropicStreamDecoder();
    const accounting = sseEvents(upstreamSse).filter(
      ({ event }) => event === 'message_start' || event === 'message_delta',
    );
    const out = accounting.flatMap(({ event, data }) => decoder.decode(event, JSON.parse(data)));
    expect(out.map((chunk) => chunk.type)).toEqual(['start', 'usage', 'finish', 'usage']);
    expect(out.at(-1)).toEqual({ type: 'usage', usage: usage(56, 85, 64) });
  });

  it('skips server-tool blocks and their deltas, and completes a call that streamed no arguments', () => {
    const decoder = new AnthropicStreamDecoder();
    const events = [
      {
        type: 'message_start',
        message: { id: 'msg_1', model: 'm', content: [], usage: { input_tokens: 1, output_tokens: 1 } },
      },
      {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {} },
      },
      { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"query":"x"}' } },
      { type: 'content_block_stop', index: 0 },
      {
        type: 'content_block_start',
        index: 1,
        content_block: { type: 'tool_use', id: 'toolu_1', name: 'now', input: {} },
      },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '' } },
      { type: 'content_block_stop', index: 1 },
      {
        type: 'content_block_start',
        index: 2,
        content_block: { type: 'tool_use', id: 'toolu_2', name: 'f', input: { inline: true } },
      },
      { type: 'content_block_stop', index: 2 },
      { type: 'some_future_event' },
    ];
    const out = events.flatMap((event) => decoder.decode(event.type, event)).slice(2);
    expect(out).toEqual([
      { type: 'block_start', index: 1, block: { kind: 'tool_call', id: 'toolu_1', name: 'now' } },
      { type: 'block_delta', index: 1, delta: { kind: 'tool_arguments', json: '{}' } },
      { type: 'block_stop', index: 1 },
      { type: 'block_start', index: 2, block: { kind: 'tool_call', id: 'toolu_2', name: 'f' } },
      { type: 'block_delta', index: 2, delta: { kind: 'tool_arguments', json: '{"inline":true}' } },
      { type: 'block_stop', index: 2 },
    ]);
  });

  it('keeps a stop sequence and a redacted thinking block', () => {
    const decoder = new AnthropicStreamDecoder();
    const out = [
      { type: 'content_block_start', index: 0, content_block: { type: 'redacted_thinking', data: 'EmwKAhgB' } },
      { type: 'content_block_stop', index: 0 },
      {
        type: 'message_delta',
        delta: { stop_reason: 'stop_sequence', stop_sequence: 'END' },
        usage: { output_tokens: 9 },
      },
    ].flatMap((event) => decoder.decode(event.type, event));
    expect(out).toEqual([
      { type: 'start', id: '', model: '', created: 1764000000 },
      { type: 'block_start', index: 0, block: { kind: 'redacted_thinking', data: 'EmwKAhgB' } },
      { type: 'block_stop', index: 0 },
      { type: 'finish', reason: 'stop_sequence', stopSequence: 'END' },
      { type: 'usage', usage: usage(0, 9) },
    ]);
  });

  it('throws an in-stream error event as a GatewayException with its HTTP status', () => {
    const decoder = new AnthropicStreamDecoder();
    const error = { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } };
    let thrown: unknown;
    try {
      decoder.decode('error', error);
    } catch (caught) {
      thrown = caught;
    }
    expect(thrown).toBeInstanceOf(GatewayException);
    expect((thrown as GatewayException).code).toBe(ErrorCode.UPSTREAM_ERROR);
    expect((thrown as GatewayException).status).toBe(529);
    expect((thrown as GatewayException).message).toContain('Overloaded');
  });

  it('ignores pings before message_start and data that is not an event object', () => {
    const decoder = new AnthropicStreamDecoder();
    expect(decoder.decode('ping', { type: 'ping' })).toEqual([]);
    expect(decoder.decode('message_start', null)).toEqual([]);
    expect(decoder.decode('message_start', { type: 'message_start', message: { id: 'msg_1', model: 'm' } })).toEqual([
      { type: 'start', id: 'msg_1', model: 'm', created: 1764000000 },
    ]);
  });

  it('closes the open blocks at end() when the upstream stopped early', () => {
    const decoder = new AnthropicStreamDecoder();
    decoder.decode('content_block_start', {
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'text', text: 'par' },
    });
    decoder.decode('content_block_start', {
      type: 'content_block_start',
      index: 1,
      content_block: { type: 'text', text: '' },
    });
    expect(decoder.end()).toEqual([
      { type: 'block_stop', index: 0 },
      { type: 'block_stop', index: 1 },
    ]);
    expect(decoder.end()).toEqual([]);
  });
});

describe('AnthropicStreamEncoder (golden fixtures)', () => {
  it('encodes the golden chunks into the golden client SSE', () => {
    expect(encodeAll(goldenChunks)).toBe(fixtureText('messages-stream.client.sse'));
  });

  it('is a faithful inverse of the decoder: re-decoding its output gives the golden chunks back', () => {
    expect(decodeSse(encodeAll(goldenChunks))).toStrictEqual(goldenChunks);
  });

  it('encodes chunks decoded from an OpenAI chat stream (cross-format golden)', () => {
    expect(encodeAll(chatChunks)).toBe(fixtureText('from-chat-stream.client.sse'));
  });

  it('gives an Anthropic client the event order it expects, final usage in message_delta', () => {
    const events = eventData(encodeAll(chatChunks));
    const block = (deltas: number): string[] => [
      'content_block_start',
      ...Array<string>(deltas).fill('content_block_delta'),
      'content_block_stop',
    ];
    expect(events.map((event) => event['type'])).toEqual([
      'message_start',
      'ping',
      ...block(2),
      ...block(2),
      ...block(3),
      ...block(3),
      'message_delta',
      'message_stop',
    ]);
    expect(events.filter((event) => event['type'] === 'content_block_start').map((event) => event['index'])).toEqual([
      0, 1, 2, 3,
    ]);
    expect(events.at(-2)).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'tool_use', stop_sequence: null },
      usage: {
        input_tokens: 56,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 64,
        output_tokens: 85,
        output_tokens_details: { thinking_tokens: 40 },
      },
    });
  });

  it('re-assembles tool arguments from another format into valid JSON for the client', () => {
    const chunks = decodeSse(encodeAll(chatChunks));
    expect(JSON.parse(argumentsOf(chunks, 2))).toEqual({ city: 'Paris', unit: 'celsius' });
    expect(JSON.parse(argumentsOf(chunks, 3))).toEqual({ city: 'Tokyo', unit: 'celsius' });
  });

  it.each([
    [
      'after',
      [
        { type: 'finish', reason: 'length' },
        { type: 'usage', usage: usage(10, 20) },
      ],
    ],
    [
      'before',
      [
        { type: 'usage', usage: usage(10, 20) },
        { type: 'finish', reason: 'length' },
      ],
    ],
  ] as Array<[string, CanonicalChunk[]]>)(
    'puts usage that arrives %s the finish into message_delta',
    (_label, tail) => {
      const events = eventData(
        encodeAll([
          { type: 'start', id: 'msg_1', model: 'm', created: 1 },
          { type: 'block_start', index: 0, block: { kind: 'text' } },
          { type: 'block_delta', index: 0, delta: { kind: 'text', text: 'Hi' } },
          { type: 'block_stop', index: 0 },
          ...tail,
        ]),
      );
      expect(events.at(-2)).toEqual({
        type: 'message_delta',
        delta: { stop_reason: 'max_tokens', stop_sequence: null },
        usage: { input_tokens: 10, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 20 },
      });
      expect((events[0]?.['message'] as { usage: unknown }).usage).toEqual({
        input_tokens: 0,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        output_tokens: 0,
      });
    },
  );

  it('carries the matched stop sequence', () => {
    const events = eventData(encodeAll([{ type: 'finish', reason: 'stop_sequence', stopSequence: 'END' }]));
    expect(events.at(-2)?.['delta']).toEqual({ stop_reason: 'stop_sequence', stop_sequence: 'END' });
  });

  it('synthesises message_start (fallback id and model), block closes and an end_turn when the stream just stops', () => {
    const sse = encodeAll([{ type: 'block_delta', index: 5, delta: { kind: 'text', text: 'Hi' } }]);
    const events = eventData(sse);
    expect(events.map((event) => event['type'])).toEqual([
      'message_start',
      'ping',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events[0]?.['message']).toMatchObject({
      id: 'msg_fallback',
      model: 'alias',
      content: [],
      stop_reason: null,
    });
    expect(events[2]).toEqual({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    expect(events[5]?.['delta']).toEqual({ stop_reason: 'end_turn', stop_sequence: null });
  });

  it('opens redacted thinking with its data and drops tool arguments whose call never opened', () => {
    const events = eventData(
      encodeAll([
        { type: 'block_start', index: 0, block: { kind: 'redacted_thinking', data: 'EmwKAhgB' } },
        { type: 'block_stop', index: 0 },
        { type: 'block_delta', index: 1, delta: { kind: 'tool_arguments', json: '{}' } },
      ]),
    );
    expect(events[2]).toEqual({
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'redacted_thinking', data: 'EmwKAhgB' },
    });
    expect(events.map((event) => event['type'])).not.toContain('content_block_delta');
  });

  it('renders an error chunk as event: error in the Anthropic shape, and nothing after it', () => {
    const error = new GatewayException(ErrorCode.UPSTREAM_ERROR, { message: 'upstream blew up', status: 529 });
    const sse = encodeAll([
      { type: 'start', id: 'msg_1', model: 'm', created: 1 },
      { type: 'block_start', index: 0, block: { kind: 'text' } },
      { type: 'block_delta', index: 0, delta: { kind: 'text', text: 'Hi' } },
      { type: 'error', error: error.body },
      { type: 'block_stop', index: 0 },
    ]);
    expect(
      sse.endsWith(
        'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"upstream blew up"}}\n\n',
      ),
    ).toBe(true);
    expect(sse).not.toContain('message_stop');
    expect(sse).not.toContain('content_block_stop');
  });

  it('round-trips an in-stream error: the decoder throws what the encoder wrote, status kept', () => {
    const error = new GatewayException(ErrorCode.UPSTREAM_TIMEOUT);
    const [event] = sseEvents(encodeAll([{ type: 'error', error: error.body }]));
    expect(() => new AnthropicStreamDecoder().decode(event?.event, JSON.parse(event?.data ?? '{}'))).toThrow(
      expect.objectContaining({ status: 504 }) as Error,
    );
  });

  it('relays pass-through frames verbatim, skips observed usage and finish, and adds nothing at the end', () => {
    const frames = sseEvents(upstreamSse).map(({ event, data }) => `event: ${event}\ndata: ${data}\n\n`);
    const sse = encodeAll([
      ...frames.map((data): CanonicalChunk => ({ type: 'passthrough', data })),
      { type: 'finish', reason: 'tool_calls', observed: true },
      { type: 'usage', usage: usage(56, 85, 64), observed: true },
    ]);
    expect(sse).toBe(frames.join(''));
  });

  it('closes a pass-through stream that ended without a finish, without a second message_start', () => {
    const sse = encodeAll([{ type: 'passthrough', data: 'event: ping\ndata: {"type": "ping"}\n\n' }]);
    expect(sseEvents(sse).map(({ event }) => event)).toEqual(['ping', 'message_delta', 'message_stop']);
  });

  it('replays a whole answer given where a stream was expected', () => {
    const sse = encodeAll([
      {
        type: 'message',
        response: {
          id: 'msg_whole',
          model: 'm',
          created: 1,
          content: [
            { type: 'thinking', text: 'hmm', signature: 'sig' },
            { type: 'text', text: 'Answer.' },
            { type: 'tool_call', id: 'toolu_1', name: 'f', arguments: '{"a":1}' },
          ],
          finishReason: 'tool_calls',
          usage: usage(3, 4),
          extensions: {},
        },
      },
    ]);
    const accumulator = new ResponseAccumulator();
    for (const chunk of decodeSse(sse)) accumulator.push(chunk);
    expect(accumulator.result()).toEqual({
      id: 'msg_whole',
      model: 'm',
      created: 1764000000,
      content: [
        { type: 'thinking', text: 'hmm', signature: 'sig' },
        { type: 'text', text: 'Answer.' },
        { type: 'tool_call', id: 'toolu_1', name: 'f', arguments: '{"a":1}' },
      ],
      finishReason: 'tool_calls',
      usage: usage(3, 4),
      extensions: {},
    });
  });
});

describe('ResponseAccumulator over the decoded fixture', () => {
  it('folds the chunks into one CanonicalResponse: signature intact, arguments valid JSON, final usage', () => {
    const accumulator = new ResponseAccumulator();
    for (const chunk of decodeSse(upstreamSse)) accumulator.push(chunk);
    expect(accumulator.result()).toEqual({
      id: 'msg_01Qr7vXb2FJYj6m4Kq8z3Hna',
      model: 'claude-sonnet-4-5-20250929',
      created: 1764000000,
      content: [
        {
          type: 'thinking',
          text: 'The user wants the weather in two cities; call the tool twice.',
          signature: SIGNATURE,
        },
        { type: 'text', text: 'Let me check both cities.' },
        {
          type: 'tool_call',
          id: 'toolu_01Paris7d8QxVb2',
          name: 'get_weather',
          arguments: '{"city": "Paris", "unit": "celsius"}',
        },
        {
          type: 'tool_call',
          id: 'toolu_01Tokyo3k2PmWq9',
          name: 'get_weather',
          arguments: '{"city": "Tokyo", "unit": "celsius"}',
        },
      ],
      finishReason: 'tool_calls',
      usage: usage(56, 85, 64),
      extensions: {},
    });
  });
});
