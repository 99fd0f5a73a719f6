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
import { decodeGeminiResponse, encodeGeminiResponse } from './gemini-response.codec';
import { GeminiStreamDecoder } from './gemini-stream.decoder';
import { GeminiStreamEncoder } from './gemini-stream.encoder';
import type { GeminiGenerateContentResponse } from './gemini.types';

function fixtureText(name: string): string {
  return readFileSync(join(__dirname, 'fixtures', name), 'utf8');
}

const NOW_MS = 1_764_000_000_000;

beforeEach(() => jest.spyOn(Date, 'now').mockReturnValue(NOW_MS));
afterEach(() => jest.restoreAllMocks());

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

/** Runs an upstream SSE text through a GeminiStreamDecoder, as the provider adapter does. */
function decodeSse(text: string, feedSize?: number): CanonicalChunk[] {
  const decoder = new GeminiStreamDecoder();
  const out: CanonicalChunk[] = [];
  for (const data of sseData(text, feedSize)) out.push(...decoder.decode(undefined, JSON.parse(data)));
  out.push(...decoder.end());
  return out;
}

function encodeAll(chunks: CanonicalChunk[]): string {
  const encoder = new GeminiStreamEncoder({ fallbackId: 'fallback-id', fallbackModel: 'alias' });
  return chunks.map((chunk) => encoder.encode(chunk)).join('') + encoder.end();
}

function events(sse: string): GeminiGenerateContentResponse[] {
  return sseData(sse).map((data) => JSON.parse(data) as GeminiGenerateContentResponse);
}

function chatChunks(): CanonicalChunk[] {
  const path = join(__dirname, '..', '..', 'openai-chat', 'src', 'fixtures', 'chat-stream.canonical.json');
  return JSON.parse(readFileSync(path, 'utf8')) as CanonicalChunk[];
}

const upstreamSse = fixtureText('gemini-stream.sse');
const goldenChunks = JSON.parse(fixtureText('gemini-stream.canonical.json')) as CanonicalChunk[];
const PARIS_SIGNATURE = 'CtwBAdHtim9Jx0GvzKqOqN7Yl3bEh1o2c1VxUE8tW3hGQ1pS0k+Ay7fMvF3nZJr1kQm4bX2dC5eT8wH6uI9oP0sA=';

describe('GeminiStreamDecoder (golden fixture)', () => {
  it('reads a CRLF-framed stream, as Google sends it', () => {
    expect(upstreamSse).toContain('}\r\n\r\ndata: {');
    expect(sseData(upstreamSse)).toHaveLength(5);
  });

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
    expect(starts).toEqual([0, 1, 2, 3, 4]);
    expect(stops).toEqual([0, 1, 2, 3, 4]);
    for (const chunk of chunks) {
      if (chunk.type !== 'block_delta') continue;
      const at = chunks.indexOf(chunk);
      expect(chunks.findIndex((other) => other.type === 'block_start' && other.index === chunk.index)).toBeLessThan(at);
      expect(chunks.findIndex((other) => other.type === 'block_stop' && other.index === chunk.index)).toBeGreaterThan(
        at,
      );
    }
  });

  it('carries the signature byte for byte, in its own block right before the call that had it', () => {
    const chunks = decodeSse(upstreamSse);
    const signature = chunks.find((chunk) => chunk.type === 'block_delta' && chunk.delta.kind === 'signature');
    expect(signature).toEqual({
      type: 'block_delta',
      index: 2,
      delta: { kind: 'signature', signature: PARIS_SIGNATURE },
    });
    expect(chunks[chunks.indexOf(signature!) + 2]).toMatchObject({
      type: 'block_start',
      index: 3,
      block: { kind: 'tool_call' },
    });
  });

  it('turns whole function calls into tool-call blocks whose arguments are valid JSON, with the non-stream ids', () => {
    const chunks = decodeSse(upstreamSse);
    const calls = chunks.flatMap((chunk) =>
      chunk.type === 'block_start' && chunk.block.kind === 'tool_call' ? [chunk] : [],
    );
    const argumentsOf = (index: number): unknown =>
      JSON.parse(
        chunks
          .map((chunk) =>
            chunk.type === 'block_delta' && chunk.index === index && chunk.delta.kind === 'tool_arguments'
              ? chunk.delta.json
              : '',
          )
          .join(''),
      );
    expect(calls.map((call) => call.index)).toEqual([3, 4]);
    expect(argumentsOf(3)).toEqual({ city: 'Paris', unit: 'celsius' });
    expect(argumentsOf(4)).toEqual({ city: 'Tokyo', unit: 'celsius' });
    const whole = decodeGeminiResponse({
      candidates: [
        {
          content: { parts: events(upstreamSse).flatMap((event) => event.candidates?.[0]?.content?.parts ?? []) },
          finishReason: 'STOP',
        },
      ],
      responseId: 'Fq8kaeX2Lb6Oz7IPt4uW8Ao',
    });
    const wholeIds = whole.content.flatMap((part) => (part.type === 'tool_call' ? [part.id] : []));
    expect(calls.map((call) => (call.block.kind === 'tool_call' ? call.block.id : ''))).toEqual(wholeIds);
  });

  it('reports the cumulative usage once, after the finish, with exact numbers', () => {
    const chunks = decodeSse(upstreamSse);
    const usage = chunks.filter((chunk) => chunk.type === 'usage');
    expect(usage).toEqual([
      {
        type: 'usage',
        usage: {
          inputTokens: 496,
          outputTokens: 188,
          cacheReadTokens: 1024,
          cacheWriteTokens: 0,
          reasoningTokens: 130,
        },
      },
    ]);
    expect(chunks.at(-2)).toEqual({ type: 'finish', reason: 'tool_calls' });
  });

  it('reports usage at end() when the upstream stopped without a finish, and closes the open block', () => {
    const decoder = new GeminiStreamDecoder();
    decoder.decode(undefined, {
      candidates: [{ content: { parts: [{ text: 'partial' }] } }],
      usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 1 },
    });
    expect(decoder.end()).toEqual([
      { type: 'block_stop', index: 0 },
      {
        type: 'usage',
        usage: { inputTokens: 3, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
      },
    ]);
    expect(decoder.end()).toEqual([]);
  });

  it('splits text at a signature (Gemini 3 signs a text part), so the signature keeps its place', () => {
    const decoder = new GeminiStreamDecoder();
    const out = [
      ...decoder.decode(undefined, { candidates: [{ content: { parts: [{ text: 'Hello' }] } }] }),
      ...decoder.decode(undefined, {
        candidates: [{ content: { parts: [{ text: ' world', thoughtSignature: 'SIG' }] } }],
      }),
      ...decoder.decode(undefined, {
        candidates: [{ content: { parts: [{ text: '', thoughtSignature: 'END' }] }, finishReason: 'STOP' }],
      }),
    ];
    expect(out.slice(1)).toEqual([
      { type: 'block_start', index: 0, block: { kind: 'text' } },
      { type: 'block_delta', index: 0, delta: { kind: 'text', text: 'Hello' } },
      { type: 'block_stop', index: 0 },
      { type: 'block_start', index: 1, block: { kind: 'thinking' } },
      { type: 'block_delta', index: 1, delta: { kind: 'signature', signature: 'SIG' } },
      { type: 'block_stop', index: 1 },
      { type: 'block_start', index: 2, block: { kind: 'text' } },
      { type: 'block_delta', index: 2, delta: { kind: 'text', text: ' world' } },
      { type: 'block_stop', index: 2 },
      { type: 'block_start', index: 3, block: { kind: 'thinking' } },
      { type: 'block_delta', index: 3, delta: { kind: 'signature', signature: 'END' } },
      { type: 'block_stop', index: 3 },
      { type: 'finish', reason: 'stop' },
    ]);
  });

  it('turns an in-stream error event into an error chunk with the upstream status', () => {
    const decoder = new GeminiStreamDecoder();
    decoder.decode(undefined, { candidates: [{ content: { parts: [{ text: 'Hi' }] } }] });
    const out = decoder.decode(undefined, {
      error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' },
    });
    expect(out).toEqual([
      { type: 'block_stop', index: 0 },
      { type: 'error', error: { code: ErrorCode.UPSTREAM_ERROR, status: 503, message: 'The model is overloaded.' } },
    ]);
  });

  it('reads a blocked prompt as a content_filter finish', () => {
    const decoder = new GeminiStreamDecoder();
    expect(
      decoder.decode(undefined, {
        promptFeedback: { blockReason: 'PROHIBITED_CONTENT' },
        responseId: 'r',
        modelVersion: 'm',
      }),
    ).toEqual([
      { type: 'start', id: 'r', model: 'm', created: NOW_MS / 1000 },
      { type: 'finish', reason: 'content_filter' },
    ]);
  });
});

describe('GeminiStreamEncoder (golden fixture)', () => {
  it('encodes the golden chunks into the golden client SSE (CRLF frames, finish and usage on the last one)', () => {
    expect(encodeAll(goldenChunks)).toBe(fixtureText('gemini-stream.client.sse'));
  });

  it('is a faithful inverse of the decoder: re-decoding its output gives the golden chunks back', () => {
    expect(decodeSse(encodeAll(goldenChunks))).toStrictEqual(goldenChunks);
  });

  it('puts the signature back on the function call that carried it, byte for byte', () => {
    const parts = events(encodeAll(goldenChunks)).flatMap((event) => event.candidates?.[0]?.content?.parts ?? []);
    expect(parts.filter((part) => part.thoughtSignature !== undefined)).toEqual([
      {
        functionCall: { name: 'get_weather', args: { city: 'Paris', unit: 'celsius' } },
        thoughtSignature: PARIS_SIGNATURE,
      },
    ]);
  });

  it('encodes the chat golden chunks (another format) into Gemini frames', () => {
    const sse = encodeAll(chatChunks());
    expect(sse).toBe(fixtureText('gemini-stream.from-chat.sse'));
    const last = events(sse).at(-1);
    expect(last?.candidates?.[0]?.finishReason).toBe('STOP');
    expect(last?.usageMetadata).toEqual({
      promptTokenCount: 120,
      candidatesTokenCount: 45,
      totalTokenCount: 205,
      cachedContentTokenCount: 64,
      thoughtsTokenCount: 40,
    });
    const calls = events(sse).flatMap((event) =>
      (event.candidates?.[0]?.content?.parts ?? []).flatMap((part) =>
        part.functionCall ? [part.functionCall.args] : [],
      ),
    );
    expect(calls).toEqual([
      { city: 'Paris', unit: 'celsius' },
      { city: 'Tokyo', unit: 'celsius' },
    ]);
  });

  it('sends every frame with content parts: the finish rides on the last content frame', () => {
    for (const event of events(encodeAll(goldenChunks))) expect(event.candidates?.[0]?.content?.parts?.length).toBe(1);
  });

  it('adds a synthetic STOP to the last frame when the stream had no finish, and no usage it never got', () => {
    const frames = events(
      encodeAll([
        { type: 'start', id: 'resp-1', model: 'm', created: 1 },
        { type: 'block_start', index: 0, block: { kind: 'text' } },
        { type: 'block_delta', index: 0, delta: { kind: 'text', text: 'Hi' } },
        { type: 'block_stop', index: 0 },
      ]),
    );
    expect(frames).toEqual([
      {
        candidates: [{ content: { parts: [{ text: 'Hi' }], role: 'model' }, finishReason: 'STOP', index: 0 }],
        modelVersion: 'm',
        responseId: 'resp-1',
      },
    ]);
  });

  it('renders an error chunk as data: {"error":...} after the held content, with no synthetic finish', () => {
    const error = new GatewayException(ErrorCode.UPSTREAM_ERROR, { message: 'upstream blew up', status: 502 });
    const sse = encodeAll([
      { type: 'start', id: 'resp-1', model: 'm', created: 1 },
      { type: 'block_start', index: 0, block: { kind: 'text' } },
      { type: 'block_delta', index: 0, delta: { kind: 'text', text: 'Hi' } },
      { type: 'error', error: error.body },
    ]);
    expect(sse).toBe(
      'data: {"candidates":[{"content":{"parts":[{"text":"Hi"}],"role":"model"},"index":0}],"modelVersion":"m","responseId":"resp-1"}\r\n\r\n' +
        'data: {"error":{"code":502,"message":"upstream blew up","status":"UNAVAILABLE"}}\r\n\r\n',
    );
  });

  it('uses the fallback id and model until the upstream start arrives', () => {
    const [event] = events(encodeAll([{ type: 'block_delta', index: 0, delta: { kind: 'text', text: 'x' } }]));
    expect(event).toMatchObject({ responseId: 'fallback-id', modelVersion: 'alias' });
  });

  it('relays pass-through frames verbatim and skips observed usage and finish', () => {
    const frame = 'data: {"verbatim":true}\r\n\r\n';
    const sse = encodeAll([
      { type: 'passthrough', data: frame },
      { type: 'finish', reason: 'stop', observed: true },
      {
        type: 'usage',
        usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
        observed: true,
      },
    ]);
    expect(sse).toBe(frame);
  });

  it('sends a signed thought (Anthropic style) as an empty signed thought part that decodes back onto the block', () => {
    const chunks: CanonicalChunk[] = [
      { type: 'start', id: 'msg_1', model: 'claude', created: 1 },
      { type: 'block_start', index: 0, block: { kind: 'thinking' } },
      { type: 'block_delta', index: 0, delta: { kind: 'thinking', text: 'Let me think.' } },
      { type: 'block_delta', index: 0, delta: { kind: 'signature', signature: 'ErUBCkYIBRgCIkDx+/=' } },
      { type: 'block_stop', index: 0 },
      { type: 'block_start', index: 1, block: { kind: 'text' } },
      { type: 'block_delta', index: 1, delta: { kind: 'text', text: 'Done.' } },
      { type: 'block_stop', index: 1 },
      { type: 'finish', reason: 'stop' },
    ];
    const sse = encodeAll(chunks);
    expect(events(sse).map((event) => event.candidates?.[0]?.content?.parts?.[0])).toEqual([
      { text: 'Let me think.', thought: true },
      { text: '', thought: true, thoughtSignature: 'ErUBCkYIBRgCIkDx+/=' },
      { text: 'Done.' },
    ]);
    const accumulator = new ResponseAccumulator();
    for (const chunk of decodeSse(sse)) accumulator.push(chunk);
    expect(accumulator.result().content).toEqual([
      { type: 'thinking', text: 'Let me think.', signature: 'ErUBCkYIBRgCIkDx+/=' },
      { type: 'text', text: 'Done.' },
    ]);
  });

  it('ends with an empty signed text part when the signature came last (as Gemini 3 does)', () => {
    const frames = events(
      encodeAll([
        { type: 'block_start', index: 0, block: { kind: 'text' } },
        { type: 'block_delta', index: 0, delta: { kind: 'text', text: 'Answer.' } },
        { type: 'block_stop', index: 0 },
        { type: 'block_start', index: 1, block: { kind: 'thinking' } },
        { type: 'block_delta', index: 1, delta: { kind: 'signature', signature: 'LAST' } },
        { type: 'block_stop', index: 1 },
        { type: 'finish', reason: 'stop' },
      ]),
    );
    expect(frames.map((frame) => frame.candidates?.[0])).toEqual([
      { content: { parts: [{ text: 'Answer.' }], role: 'model' }, index: 0 },
      { content: { parts: [{ text: '', thoughtSignature: 'LAST' }], role: 'model' }, finishReason: 'STOP', index: 0 },
    ]);
  });

  it('renders a whole-answer message chunk as one frame and nothing more', () => {
    const response: CanonicalResponse = {
      id: 'r',
      model: 'm',
      created: 1,
      content: [{ type: 'text', text: 'All at once.' }],
      finishReason: 'length',
      usage: { inputTokens: 4, outputTokens: 2, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
      extensions: {},
    };
    const sse = encodeAll([
      { type: 'message', response },
      { type: 'finish', reason: 'length' },
    ]);
    expect(events(sse)).toEqual([encodeGeminiResponse(response)]);
  });
});

describe('ResponseAccumulator over the decoded fixture', () => {
  it('folds the chunks into the same answer as the non-stream decoder, which a Gemini client gets back signed', () => {
    const accumulator = new ResponseAccumulator();
    for (const chunk of decodeSse(upstreamSse)) accumulator.push(chunk);
    const response = accumulator.result();
    expect(response.content).toEqual([
      {
        type: 'thinking',
        text: "**Planning the weather lookup**\n\nThe user wants the weather in two cities, so I'll call get_weather for each. Both lookups are independent, so they can run in parallel.",
      },
      { type: 'text', text: 'Checking the weather in Paris and Tokyo.' },
      { type: 'thinking', text: '', signature: PARIS_SIGNATURE },
      {
        type: 'tool_call',
        id: expect.stringMatching(/^call_/) as string,
        name: 'get_weather',
        arguments: '{"city":"Paris","unit":"celsius"}',
      },
      {
        type: 'tool_call',
        id: expect.stringMatching(/^call_/) as string,
        name: 'get_weather',
        arguments: '{"city":"Tokyo","unit":"celsius"}',
      },
    ]);
    expect(response).toMatchObject({
      id: 'Fq8kaeX2Lb6Oz7IPt4uW8Ao',
      model: 'gemini-2.5-flash',
      finishReason: 'tool_calls',
    });
    const parts = encodeGeminiResponse(response).candidates?.[0]?.content?.parts;
    expect(parts?.[2]).toEqual({
      functionCall: { name: 'get_weather', args: { city: 'Paris', unit: 'celsius' } },
      thoughtSignature: PARIS_SIGNATURE,
    });
  });
});
