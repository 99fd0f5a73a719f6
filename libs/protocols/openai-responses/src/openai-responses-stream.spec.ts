import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createParser } from 'eventsource-parser';
import {
  ErrorCode,
  GatewayException,
  ResponseAccumulator,
  type CanonicalChunk,
  type CanonicalResponse,
} from '@plexus/core';
import { decodeResponsesResponse } from './openai-responses-response.codec';
import { ResponsesStreamDecoder } from './openai-responses-stream.decoder';
import { ResponsesStreamEncoder } from './openai-responses-stream.encoder';
import type { ResponsesResponse } from './openai-responses.types';

function fixtureText(name: string): string {
  return readFileSync(join(__dirname, 'fixtures', name), 'utf8');
}

interface SseEvent {
  event: string | undefined;
  data: Record<string, unknown>;
}

/** The events of an SSE text, in order, read by a real SSE parser. */
function sseEvents(text: string, feedSize = text.length): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = createParser({
    onEvent: (event) => events.push({ event: event.event, data: JSON.parse(event.data) as Record<string, unknown> }),
    onError: (error) => {
      throw error;
    },
  });
  for (let offset = 0; offset < text.length; offset += feedSize) parser.feed(text.slice(offset, offset + feedSize));
  return events;
}

/** Runs an SSE text through a ResponsesStreamDecoder, as the provider adapter does. */
function decodeSse(text: string, feedSize?: number): CanonicalChunk[] {
  const decoder = new ResponsesStreamDecoder();
  const out = sseEvents(text, feedSize).flatMap(({ event, data }) => decoder.decode(event, data));
  return [...out, ...decoder.end()];
}

function decodeEvents(events: Array<Record<string, unknown>>): CanonicalChunk[] {
  const decoder = new ResponsesStreamDecoder();
  return [...events.flatMap((event) => decoder.decode(undefined, event)), ...decoder.end()];
}

function encodeAll(chunks: CanonicalChunk[]): string {
  const encoder = new ResponsesStreamEncoder({ fallbackId: 'resp_fallback', fallbackModel: 'alias' });
  return chunks.map((chunk) => encoder.encode(chunk)).join('') + encoder.end();
}

function accumulate(chunks: CanonicalChunk[]): CanonicalResponse {
  const accumulator = new ResponseAccumulator();
  for (const chunk of chunks) accumulator.push(chunk);
  return accumulator.result();
}

const upstreamSse = fixtureText('responses-stream.sse');
const goldenChunks = JSON.parse(fixtureText('responses-stream.canonical.json')) as CanonicalChunk[];
/** The chat lib's canonical stream golden: proves chunks decoded from another format encode here. */
const chatChunks = JSON.parse(
  readFileSync(join(__dirname, '../../openai-chat/src/fixtures/chat-stream.canonical.json'), 'utf8'),
) as CanonicalChunk[];

describe('ResponsesStreamDecoder (golden fixture)', () => {
  it('decodes the upstream SSE into the golden canonical chunks', () => {
    expect(decodeSse(upstreamSse)).toStrictEqual(goldenChunks);
  });

  it('gives the same chunks however the bytes are split', () => {
    for (const size of [1, 7, 64, 333]) expect(decodeSse(upstreamSse, size)).toStrictEqual(goldenChunks);
  });

  it('opens and closes each block once, one at a time, with increasing indexes', () => {
    const chunks = decodeSse(upstreamSse);
    const boundaries = chunks.flatMap((chunk) =>
      chunk.type === 'block_start' ? [`+${chunk.index}`] : chunk.type === 'block_stop' ? [`-${chunk.index}`] : [],
    );
    expect(boundaries).toEqual(['+0', '-0', '+1', '-1', '+2', '-2', '+3', '-3', '+4', '-4']);
  });

  it('puts the encrypted content, byte for byte, on the last thinking block of the reasoning item, before it closes', () => {
    const chunks = decodeSse(upstreamSse);
    const done = sseEvents(upstreamSse).find(({ data }) => data['type'] === 'response.output_item.done')!;
    const encrypted = (done.data['item'] as { encrypted_content: string }).encrypted_content;
    const at = chunks.findIndex((chunk) => chunk.type === 'block_delta' && chunk.delta.kind === 'signature');
    expect(chunks[at]).toEqual({ type: 'block_delta', index: 1, delta: { kind: 'signature', signature: encrypted } });
    expect(chunks[at + 1]).toEqual({ type: 'block_stop', index: 1 });
  });

  it('keeps the parallel calls apart, with argument fragments that concatenate to valid JSON', () => {
    const response = accumulate(decodeSse(upstreamSse));
    const calls = response.content.filter((part) => part.type === 'tool_call');
    expect(calls.map((call) => [call.id, call.name])).toEqual([
      ['call_Kx2mZ8pQwR4tY6uI0oP1aS3d', 'get_weather'],
      ['call_Lm7nB5vC9xZ2aS4dF6gH8jK0', 'get_weather'],
    ]);
    expect(calls.map((call) => JSON.parse(call.arguments) as unknown)).toEqual([
      { city: 'Paris', unit: 'celsius' },
      { city: 'Tokyo', unit: 'celsius' },
    ]);
  });

  it('folds into the same answer as the response object of response.completed', () => {
    const completed = sseEvents(upstreamSse).at(-1)!.data['response'] as ResponsesResponse;
    expect(accumulate(decodeSse(upstreamSse))).toStrictEqual(decodeResponsesResponse(completed));
  });

  it('reads usage from response.completed: cached tokens out of input, reasoning kept', () => {
    expect(decodeSse(upstreamSse).find((chunk) => chunk.type === 'usage')).toEqual({
      type: 'usage',
      usage: { inputTokens: 328, outputTokens: 412, cacheReadTokens: 1536, cacheWriteTokens: 0, reasoningTokens: 256 },
    });
  });
});

describe('ResponsesStreamDecoder (edge cases)', () => {
  const created = {
    type: 'response.created',
    response: { id: 'resp_1', model: 'm', created_at: 5, status: 'in_progress', output: [] },
  };

  it('reads response.incomplete as length and content_filter', () => {
    for (const [reason, finish] of [
      ['max_output_tokens', 'length'],
      ['content_filter', 'content_filter'],
    ]) {
      const chunks = decodeEvents([
        created,
        { type: 'response.incomplete', response: { status: 'incomplete', incomplete_details: { reason }, output: [] } },
      ]);
      expect(chunks.at(-1)).toEqual({ type: 'finish', reason: finish });
    }
  });

  it('reads a streamed refusal as text with the refusal finish reason', () => {
    const chunks = decodeEvents([
      created,
      {
        type: 'response.content_part.added',
        item_id: 'msg_1',
        output_index: 0,
        content_index: 0,
        part: { type: 'refusal', refusal: '' },
      },
      { type: 'response.refusal.delta', item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'No.' },
      {
        type: 'response.content_part.done',
        item_id: 'msg_1',
        output_index: 0,
        content_index: 0,
        part: { type: 'refusal', refusal: 'No.' },
      },
      { type: 'response.completed', response: { status: 'completed', output: [] } },
    ]);
    expect(chunks.slice(1)).toEqual([
      { type: 'block_start', index: 0, block: { kind: 'text' } },
      { type: 'block_delta', index: 0, delta: { kind: 'text', text: 'No.' } },
      { type: 'block_stop', index: 0 },
      { type: 'finish', reason: 'refusal' },
    ]);
  });

  it('recovers the whole answer from upstreams that skip the added and delta events', () => {
    const chunks = decodeEvents([
      { type: 'response.output_text.delta', item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'Hel' },
      {
        type: 'response.output_item.done',
        output_index: 0,
        item: {
          id: 'msg_1',
          type: 'message',
          status: 'completed',
          role: 'assistant',
          content: [{ type: 'output_text', text: 'Hello', annotations: [] }],
        },
      },
      {
        type: 'response.output_item.done',
        output_index: 1,
        item: { id: 'rs_1', type: 'reasoning', summary: [], encrypted_content: 'enc' },
      },
      {
        type: 'response.output_item.done',
        output_index: 2,
        item: {
          id: 'fc_1',
          type: 'function_call',
          status: 'completed',
          call_id: 'call_1',
          name: 'f',
          arguments: '{"a":1}',
        },
      },
      { type: 'response.completed', response: { status: 'completed', output: [] } },
    ]);
    expect(chunks[0]).toMatchObject({ type: 'start', id: '', model: '' });
    expect(chunks.slice(1)).toEqual([
      { type: 'block_start', index: 0, block: { kind: 'text' } },
      { type: 'block_delta', index: 0, delta: { kind: 'text', text: 'Hel' } },
      { type: 'block_delta', index: 0, delta: { kind: 'text', text: 'lo' } },
      { type: 'block_stop', index: 0 },
      { type: 'block_start', index: 1, block: { kind: 'thinking' } },
      { type: 'block_delta', index: 1, delta: { kind: 'signature', signature: 'enc' } },
      { type: 'block_stop', index: 1 },
      { type: 'block_start', index: 2, block: { kind: 'tool_call', id: 'call_1', name: 'f' } },
      { type: 'block_delta', index: 2, delta: { kind: 'tool_arguments', json: '{"a":1}' } },
      { type: 'block_stop', index: 2 },
      { type: 'finish', reason: 'tool_calls' },
    ]);
  });

  it('reads an error event (flat, or nested under error) once, even when response.failed follows', () => {
    for (const error of [
      { type: 'error', code: 'rate_limit_exceeded', message: 'Slow down', param: null },
      { type: 'error', error: { code: 'rate_limit_exceeded', message: 'Slow down', param: null } },
    ]) {
      const chunks = decodeEvents([
        created,
        error,
        {
          type: 'response.failed',
          response: { status: 'failed', error: { code: 'server_error', message: 'other' }, output: [] },
        },
      ]);
      expect(chunks.filter((chunk) => chunk.type === 'error')).toEqual([
        { type: 'error', error: { code: ErrorCode.UPSTREAM_ERROR, status: 429, message: 'Slow down' } },
      ]);
    }
  });

  it('reads response.failed alone as a 502 upstream error and keeps its usage', () => {
    const chunks = decodeEvents([
      created,
      {
        type: 'response.failed',
        response: {
          status: 'failed',
          error: { code: 'server_error', message: 'The model crashed' },
          output: [],
          usage: { input_tokens: 3, output_tokens: 0, total_tokens: 3 },
        },
      },
    ]);
    expect(chunks.slice(1)).toEqual([
      {
        type: 'usage',
        usage: { inputTokens: 3, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
      },
      { type: 'error', error: { code: ErrorCode.UPSTREAM_ERROR, status: 502, message: 'The model crashed' } },
    ]);
  });

  it('takes the output from the terminal event when the upstream sent no item events', () => {
    const completed = sseEvents(upstreamSse).at(-1)!.data;
    const chunks = decodeEvents([created, completed]);
    expect(accumulate(chunks)).toStrictEqual({ ...accumulate(goldenChunks), id: 'resp_1', model: 'm', created: 5 });
  });

  it('takes the event type from the SSE event name when the data lacks it', () => {
    const decoder = new ResponsesStreamDecoder();
    decoder.decode('response.created', created);
    expect(decoder.decode('error', { code: null, message: 'x', param: null })).toEqual([
      { type: 'error', error: { code: ErrorCode.UPSTREAM_ERROR, status: 502, message: 'x' } },
    ]);
  });

  it('closes the open block at end() when the upstream stopped without a terminal event', () => {
    const decoder = new ResponsesStreamDecoder();
    decoder.decode(undefined, created);
    decoder.decode(undefined, {
      type: 'response.output_text.delta',
      item_id: 'msg_1',
      output_index: 0,
      content_index: 0,
      delta: 'partial',
    });
    expect(decoder.end()).toEqual([{ type: 'block_stop', index: 0 }]);
    expect(decoder.end()).toEqual([]);
  });
});

describe('ResponsesStreamEncoder (golden fixture)', () => {
  it('encodes the golden chunks into the golden client SSE', () => {
    expect(encodeAll(goldenChunks)).toBe(fixtureText('responses-stream.client.sse'));
  });

  it('is a faithful inverse of the decoder: re-decoding its output gives the golden chunks back', () => {
    expect(decodeSse(encodeAll(goldenChunks))).toStrictEqual(goldenChunks);
  });

  it('encodes the chat lib stream golden, and re-decoding gives those chunks back', () => {
    const sse = encodeAll(chatChunks);
    expect(sse).toBe(fixtureText('responses-stream.from-chat.sse'));
    expect(decodeSse(sse)).toStrictEqual(chatChunks);
  });

  it.each([
    ['its own golden', goldenChunks],
    ['the chat golden', chatChunks],
  ])('writes %s in the official event order', (_label, chunks) => {
    const events = sseEvents(encodeAll(chunks));
    events.forEach(({ event, data }, index) => {
      expect(data['type']).toBe(event);
      expect(data['sequence_number']).toBe(index);
    });
    const types = events.map(({ event }) => event);
    expect(types.slice(0, 2)).toEqual(['response.created', 'response.in_progress']);
    expect(types.at(-1)).toBe('response.completed');
    expect(types.filter((type) => type === 'response.output_item.added')).toHaveLength(4);
    expect(types.filter((type) => type === 'response.output_item.done')).toHaveLength(4);
    expect(types.filter((type) => type === 'response.function_call_arguments.done')).toHaveLength(2);
    for (const { data } of events.filter(({ event }) => event === 'response.function_call_arguments.done')) {
      expect(() => JSON.parse(data['arguments'] as string) as unknown).not.toThrow();
    }
  });

  it('ends with the whole response object: output items and exact usage', () => {
    const completed = sseEvents(encodeAll(goldenChunks)).at(-1)!.data['response'] as ResponsesResponse;
    expect(completed.status).toBe('completed');
    expect(completed.output.map((item) => item.type)).toEqual([
      'reasoning',
      'message',
      'function_call',
      'function_call',
    ]);
    expect(completed.usage).toEqual({
      input_tokens: 1864,
      input_tokens_details: { cached_tokens: 1536 },
      output_tokens: 412,
      output_tokens_details: { reasoning_tokens: 256 },
      total_tokens: 2276,
    });
    expect(decodeResponsesResponse(completed)).toStrictEqual(accumulate(goldenChunks));
  });
});

describe('ResponsesStreamEncoder (edge cases)', () => {
  const start: CanonicalChunk = { type: 'start', id: 'resp_1', model: 'm', created: 1700000000 };
  const hello: CanonicalChunk[] = [
    start,
    { type: 'block_start', index: 0, block: { kind: 'text' } },
    { type: 'block_delta', index: 0, delta: { kind: 'text', text: 'Hi' } },
    { type: 'block_stop', index: 0 },
  ];
  const types = (sse: string): Array<string | undefined> => sseEvents(sse).map(({ event }) => event);

  it('synthesises response.completed when no finish came, finishing what the stream left open', () => {
    const events = sseEvents(encodeAll(hello.slice(0, 3)));
    expect(events.slice(-5).map(({ event }) => event)).toEqual([
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.at(-1)?.data['response']).toMatchObject({
      status: 'completed',
      usage: null,
      incomplete_details: null,
    });
  });

  it('ends with response.incomplete for length and content_filter', () => {
    for (const [reason, detail] of [
      ['length', 'max_output_tokens'],
      ['content_filter', 'content_filter'],
    ] as const) {
      const last = sseEvents(encodeAll([...hello, { type: 'finish', reason }])).at(-1)!;
      expect(last.event).toBe('response.incomplete');
      expect(last.data['response']).toMatchObject({ status: 'incomplete', incomplete_details: { reason: detail } });
    }
  });

  it('renders an error chunk as an error event then response.failed, and nothing after', () => {
    const error = new GatewayException(ErrorCode.UPSTREAM_ERROR, { message: 'upstream blew up', status: 502 });
    const encoder = new ResponsesStreamEncoder({ fallbackId: 'resp_fallback', fallbackModel: 'alias' });
    const sse = [...hello, { type: 'error', error: error.body } as CanonicalChunk]
      .map((chunk) => encoder.encode(chunk))
      .join('');
    expect(encoder.end()).toBe('');
    const events = sseEvents(sse);
    expect(events.at(-2)).toEqual({
      event: 'error',
      data: {
        type: 'error',
        sequence_number: events.length - 2,
        code: 'upstream_error',
        message: 'upstream blew up',
        param: null,
      },
    });
    expect(events.at(-1)?.event).toBe('response.failed');
    expect(events.at(-1)?.data['response']).toMatchObject({
      status: 'failed',
      error: { code: 'server_error', message: 'upstream blew up' },
    });
    expect(decodeSse(sse).filter((chunk) => chunk.type === 'error')).toEqual([
      { type: 'error', error: { code: ErrorCode.UPSTREAM_ERROR, status: 502, message: 'upstream blew up' } },
    ]);
  });

  it('uses the fallback id and model until the upstream start arrives', () => {
    const encoder = new ResponsesStreamEncoder({ fallbackId: 'resp_fallback', fallbackModel: 'alias' });
    const [created] = sseEvents(encoder.encode({ type: 'block_delta', index: 0, delta: { kind: 'text', text: 'x' } }));
    expect(created?.data['response']).toMatchObject({ id: 'resp_fallback', model: 'alias' });
    expect(encoder.encode(start)).toBe('');
  });

  it('relays pass-through frames verbatim, skips observed usage and finish, and adds no terminal event', () => {
    const frame =
      'event: response.completed\ndata: {"type":"response.completed","sequence_number":7,"response":{}}\n\n';
    const encoder = new ResponsesStreamEncoder({ fallbackId: 'resp_fallback', fallbackModel: 'alias' });
    const sse = [
      encoder.encode({ type: 'passthrough', data: frame }),
      encoder.encode({ type: 'finish', reason: 'stop', observed: true }),
      encoder.encode({
        type: 'usage',
        usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
        observed: true,
      }),
      encoder.end(),
    ].join('');
    expect(sse).toBe(frame);
  });

  it('keeps numbering after relayed frames when it has to add an error', () => {
    const encoder = new ResponsesStreamEncoder({ fallbackId: 'resp_fallback', fallbackModel: 'alias' });
    encoder.encode({
      type: 'passthrough',
      data: 'event: response.created\ndata: {"type":"response.created","sequence_number":0}\n\nevent: x\ndata: {"type":"x","sequence_number":4}\n\n',
    });
    const events = sseEvents(
      encoder.encode({ type: 'error', error: new GatewayException(ErrorCode.UPSTREAM_TIMEOUT).body }),
    );
    expect(events.map(({ data }) => data['sequence_number'])).toEqual([5, 6]);
  });

  it('plays a whole non-streamed answer back as the events it would have streamed', () => {
    const response = accumulate(goldenChunks);
    const encoder = new ResponsesStreamEncoder({ fallbackId: 'resp_fallback', fallbackModel: 'alias' });
    const sse = encoder.encode({ type: 'message', response }) + encoder.end();
    expect(accumulate(decodeSse(sse))).toStrictEqual(response);
  });

  it('groups adjacent text blocks in one message, and closes a reasoning item at its signature', () => {
    const sse = encodeAll([
      start,
      { type: 'block_start', index: 0, block: { kind: 'thinking' } },
      { type: 'block_delta', index: 0, delta: { kind: 'thinking', text: 'a' } },
      { type: 'block_delta', index: 0, delta: { kind: 'signature', signature: 'sig-a' } },
      { type: 'block_stop', index: 0 },
      { type: 'block_start', index: 1, block: { kind: 'thinking' } },
      { type: 'block_delta', index: 1, delta: { kind: 'signature', signature: 'sig-b' } },
      { type: 'block_stop', index: 1 },
      { type: 'block_start', index: 2, block: { kind: 'redacted_thinking', data: 'opaque' } },
      { type: 'block_stop', index: 2 },
      { type: 'block_start', index: 3, block: { kind: 'text' } },
      { type: 'block_delta', index: 3, delta: { kind: 'text', text: 'one' } },
      { type: 'block_stop', index: 3 },
      { type: 'block_start', index: 4, block: { kind: 'text' } },
      { type: 'block_delta', index: 4, delta: { kind: 'text', text: 'two' } },
      { type: 'block_stop', index: 4 },
    ]);
    const completed = sseEvents(sse).at(-1)!.data['response'] as ResponsesResponse;
    expect(completed.output).toEqual([
      { id: 'rs_1_0', type: 'reasoning', encrypted_content: 'sig-a', summary: [{ type: 'summary_text', text: 'a' }] },
      { id: 'rs_1_1', type: 'reasoning', encrypted_content: 'sig-b', summary: [] },
      {
        id: 'msg_1_2',
        type: 'message',
        status: 'completed',
        content: [
          { type: 'output_text', annotations: [], logprobs: [], text: 'one' },
          { type: 'output_text', annotations: [], logprobs: [], text: 'two' },
        ],
        role: 'assistant',
      },
    ]);
    // A thinking block with no text (encrypted content only) opens no summary part.
    expect(types(sse).filter((type) => type === 'response.reasoning_summary_part.added')).toHaveLength(1);
  });
});
