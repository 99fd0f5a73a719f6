import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createParser } from 'eventsource-parser';
import { ErrorCode, GatewayException, ResponseAccumulator, type CanonicalChunk } from '@plexus/core';
import { ChatStreamDecoder } from './openai-chat-stream.decoder';
import { ChatStreamEncoder, type ChatStreamEncoderOptions } from './openai-chat-stream.encoder';
import type { ChatCompletionChunk } from './openai-chat.types';

function fixtureText(name: string): string {
  return readFileSync(join(__dirname, 'fixtures', name), 'utf8');
}

/** The `data` fields of an SSE text, in order, read by a real SSE parser. */
function sseData(text: string, feedSize = text.length): string[] {
  const data: string[] = [];
  const parser = createParser({
    onEvent: (event) => data.push(event.data),
    onError: (error) => {
      throw error;
    },
  });
  for (let offset = 0; offset < text.length; offset += feedSize) parser.feed(text.slice(offset, offset + feedSize));
  return data;
}

/** Runs the upstream SSE text through a ChatStreamDecoder, as the provider adapter does. */
function decodeSse(text: string, feedSize?: number): CanonicalChunk[] {
  const decoder = new ChatStreamDecoder();
  const out: CanonicalChunk[] = [];
  for (const data of sseData(text, feedSize)) {
    if (data === '[DONE]') break;
    out.push(...decoder.decode(JSON.parse(data) as ChatCompletionChunk));
  }
  out.push(...decoder.end());
  return out;
}

function encodeAll(chunks: CanonicalChunk[], options: Partial<ChatStreamEncoderOptions> = {}): string {
  const encoder = new ChatStreamEncoder({
    includeUsage: true,
    fallbackId: 'chatcmpl-fallback',
    fallbackModel: 'alias',
    ...options,
  });
  return chunks.map((chunk) => encoder.encode(chunk)).join('') + encoder.end();
}

const upstreamSse = fixtureText('chat-stream.sse');
const goldenChunks = JSON.parse(fixtureText('chat-stream.canonical.json')) as CanonicalChunk[];

describe('ChatStreamDecoder (golden fixture)', () => {
  it('decodes the upstream SSE into the golden canonical chunks', () => {
    expect(decodeSse(upstreamSse)).toStrictEqual(goldenChunks);
  });

  it('gives the same chunks however the bytes are split', () => {
    for (const size of [1, 7, 64, 333]) expect(decodeSse(upstreamSse, size)).toStrictEqual(goldenChunks);
  });

  it('opens and closes each block once, with increasing indexes', () => {
    const chunks = decodeSse(upstreamSse);
    const starts = chunks.filter((chunk) => chunk.type === 'block_start').map((chunk) => chunk.index);
    const stops = chunks.filter((chunk) => chunk.type === 'block_stop').map((chunk) => chunk.index);
    expect(starts).toEqual([0, 1, 2, 3]);
    expect(stops).toEqual([0, 1, 2, 3]);
    for (const chunk of chunks) {
      if (chunk.type !== 'block_delta') continue;
      const started = chunks.findIndex((other) => other.type === 'block_start' && other.index === chunk.index);
      const stopped = chunks.findIndex((other) => other.type === 'block_stop' && other.index === chunk.index);
      const at = chunks.indexOf(chunk);
      expect(started).toBeLessThan(at);
      expect(stopped).toBeGreaterThan(at);
    }
  });

  it('keeps the parallel tool calls apart: ids, names and fragments that concatenate to valid JSON', () => {
    const chunks = decodeSse(upstreamSse);
    const calls = chunks.flatMap((chunk) =>
      chunk.type === 'block_start' && chunk.block.kind === 'tool_call' ? [{ index: chunk.index, ...chunk.block }] : [],
    );
    expect(calls).toEqual([
      { index: 2, kind: 'tool_call', id: 'call_paris', name: 'get_weather' },
      { index: 3, kind: 'tool_call', id: 'call_tokyo', name: 'get_weather' },
    ]);
    const argumentsOf = (index: number): string =>
      chunks
        .map((chunk) =>
          chunk.type === 'block_delta' && chunk.index === index && chunk.delta.kind === 'tool_arguments'
            ? chunk.delta.json
            : '',
        )
        .join('');
    expect(JSON.parse(argumentsOf(2))).toEqual({ city: 'Paris', unit: 'celsius' });
    expect(JSON.parse(argumentsOf(3))).toEqual({ city: 'Tokyo', unit: 'celsius' });
  });

  it('reads the final usage-only chunk: cached tokens out of input, reasoning tokens kept', () => {
    const usage = decodeSse(upstreamSse).find((chunk) => chunk.type === 'usage');
    expect(usage).toEqual({
      type: 'usage',
      usage: { inputTokens: 56, outputTokens: 85, cacheReadTokens: 64, cacheWriteTokens: 0, reasoningTokens: 40 },
    });
  });

  it('reads OpenRouter-style `reasoning` deltas as thinking', () => {
    const decoder = new ChatStreamDecoder();
    const base = { id: 'x', object: 'chat.completion.chunk' as const, created: 1, model: 'm' };
    const out = decoder.decode({ ...base, choices: [{ index: 0, delta: { reasoning: 'hmm' }, finish_reason: null }] });
    expect(out.slice(1)).toEqual([
      { type: 'block_start', index: 0, block: { kind: 'thinking' } },
      { type: 'block_delta', index: 0, delta: { kind: 'thinking', text: 'hmm' } },
    ]);
  });

  it('closes the open block at end() when the upstream stopped without a finish', () => {
    const decoder = new ChatStreamDecoder();
    const base = { id: 'x', object: 'chat.completion.chunk' as const, created: 1, model: 'm' };
    decoder.decode({ ...base, choices: [{ index: 0, delta: { content: 'partial' }, finish_reason: null }] });
    expect(decoder.end()).toEqual([{ type: 'block_stop', index: 0 }]);
    expect(decoder.end()).toEqual([]);
  });
});

describe('ChatStreamEncoder (golden fixture)', () => {
  it('encodes the golden chunks into the golden client SSE, usage included', () => {
    expect(encodeAll(goldenChunks, { includeUsage: true })).toBe(fixtureText('chat-stream.client.sse'));
  });

  it('sends no usage chunk when the client did not ask for it', () => {
    const sse = encodeAll(goldenChunks, { includeUsage: false });
    expect(sse).toBe(fixtureText('chat-stream.client-no-usage.sse'));
    const events = sseData(sse).filter((data) => data !== '[DONE]');
    expect(events.some((data) => 'usage' in (JSON.parse(data) as object))).toBe(false);
  });

  it('emits the usage chunk after the finish and right before [DONE]', () => {
    const events = sseData(encodeAll(goldenChunks));
    expect(events.at(-1)).toBe('[DONE]');
    const usageChunk = JSON.parse(events.at(-2)!) as ChatCompletionChunk;
    const finishChunk = JSON.parse(events.at(-3)!) as ChatCompletionChunk;
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage?.prompt_tokens).toBe(120);
    expect(finishChunk.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('is a faithful inverse of the decoder: re-decoding its output gives the golden chunks back', () => {
    expect(decodeSse(encodeAll(goldenChunks))).toStrictEqual(goldenChunks);
  });

  it('adds a synthetic finish_reason stop before [DONE] when the stream had no finish', () => {
    const sse = encodeAll(
      [
        { type: 'start', id: 'chatcmpl-1', model: 'm', created: 1700000000 },
        { type: 'block_start', index: 0, block: { kind: 'text' } },
        { type: 'block_delta', index: 0, delta: { kind: 'text', text: 'Hi' } },
        { type: 'block_stop', index: 0 },
      ],
      { includeUsage: true },
    );
    const events = sseData(sse);
    expect(events).toHaveLength(4);
    expect(events[3]).toBe('[DONE]');
    expect(JSON.parse(events[2])).toEqual({
      id: 'chatcmpl-1',
      object: 'chat.completion.chunk',
      created: 1700000000,
      model: 'm',
      choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
    });
  });

  it('renders an error chunk as data: {"error":...} then [DONE], with no synthetic finish', () => {
    const error = new GatewayException(ErrorCode.UPSTREAM_ERROR, { message: 'upstream blew up', status: 502 });
    const sse = encodeAll([
      { type: 'start', id: 'chatcmpl-1', model: 'm', created: 1700000000 },
      { type: 'block_start', index: 0, block: { kind: 'text' } },
      { type: 'block_delta', index: 0, delta: { kind: 'text', text: 'Hi' } },
      { type: 'error', error: error.body },
    ]);
    expect(
      sse.endsWith(
        'data: {"error":{"message":"upstream blew up","type":"api_error","code":"upstream_error","param":null}}\n\ndata: [DONE]\n\n',
      ),
    ).toBe(true);
    expect(sse).not.toContain('"finish_reason":"stop"');
  });

  it('uses the fallback id and model until the upstream start arrives', () => {
    const encoder = new ChatStreamEncoder({
      includeUsage: false,
      fallbackId: 'chatcmpl-fallback',
      fallbackModel: 'alias',
    });
    const [data] = sseData(encoder.encode({ type: 'block_delta', index: 0, delta: { kind: 'text', text: 'x' } }));
    expect(JSON.parse(data)).toMatchObject({ id: 'chatcmpl-fallback', model: 'alias' });
  });

  it('relays pass-through frames verbatim and skips observed usage and finish', () => {
    const frame = 'data: {"verbatim":true}\n\n';
    const sse = encodeAll(
      [
        { type: 'passthrough', data: frame },
        { type: 'finish', reason: 'stop', observed: true },
        {
          type: 'usage',
          usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
          observed: true,
        },
      ],
      { includeUsage: true },
    );
    expect(sse).toBe(`${frame}data: [DONE]\n\n`);
  });
});

describe('ResponseAccumulator over the decoded fixture', () => {
  it('folds the chunks into one CanonicalResponse whose tool-call arguments parse as JSON', () => {
    const accumulator = new ResponseAccumulator();
    for (const chunk of decodeSse(upstreamSse)) accumulator.push(chunk);
    const response = accumulator.result();
    expect(response).toEqual({
      id: 'chatcmpl-B9x7Qk2mZ',
      model: 'deepseek-reasoner',
      created: 1764000000,
      content: [
        { type: 'thinking', text: 'The user wants the weather in two cities; call the tool twice.' },
        { type: 'text', text: 'Let me check both cities.' },
        { type: 'tool_call', id: 'call_paris', name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
        { type: 'tool_call', id: 'call_tokyo', name: 'get_weather', arguments: '{"city": "Tokyo", "unit": "celsius"}' },
      ],
      finishReason: 'tool_calls',
      usage: { inputTokens: 56, outputTokens: 85, cacheReadTokens: 64, cacheWriteTokens: 0, reasoningTokens: 40 },
      extensions: {},
    });
    for (const part of response.content) {
      if (part.type === 'tool_call') expect(() => JSON.parse(part.arguments) as unknown).not.toThrow();
    }
  });
});
