import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ErrorCode,
  FINISH_REASONS,
  GatewayException,
  emptyUsage,
  type CanonicalResponse,
  type FinishReason,
} from '@plexus/core';
import { encodeAnthropicErrorBody } from './anthropic-error.encoder';
import { decodeAnthropicResponse, encodeAnthropicResponse } from './anthropic-response.codec';
import {
  decodeAnthropicStopReason,
  decodeAnthropicUsage,
  encodeAnthropicStopReason,
  encodeAnthropicUsage,
  mergeAnthropicUsage,
} from './anthropic-usage';
import type { AnthropicMessagesResponse, AnthropicStopReason, AnthropicUsage } from './anthropic.types';

function fixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8')) as T;
}

beforeEach(() => {
  jest.spyOn(Date, 'now').mockReturnValue(1764000100000);
});

afterEach(() => {
  jest.restoreAllMocks();
});

describe('decodeAnthropicResponse / encodeAnthropicResponse', () => {
  it('decodes a response with signed thinking and parallel tool_use into the canonical golden', () => {
    expect(decodeAnthropicResponse(fixture('messages-response.json'))).toStrictEqual(
      fixture('messages-response.canonical.json'),
    );
  });

  it('encodes the canonical golden back into the upstream body, signature and usage exact', () => {
    const upstream = fixture<AnthropicMessagesResponse>('messages-response.json');
    const encoded = encodeAnthropicResponse(fixture<CanonicalResponse>('messages-response.canonical.json'));
    expect(encoded).toStrictEqual({
      id: upstream.id,
      type: 'message',
      role: 'assistant',
      model: upstream.model,
      content: upstream.content,
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: {
        input_tokens: 70,
        cache_creation_input_tokens: 20,
        cache_read_input_tokens: 30,
        output_tokens: 160,
        output_tokens_details: { thinking_tokens: 25 },
      },
    });
  });

  it('round-trips: decode(encode(x)) is x', () => {
    const canonical = fixture<CanonicalResponse>('messages-response.canonical.json');
    expect(decodeAnthropicResponse(encodeAnthropicResponse(canonical))).toStrictEqual(canonical);
  });

  it('keeps the matched stop sequence both ways', () => {
    const body = {
      ...fixture<AnthropicMessagesResponse>('messages-response.json'),
      stop_reason: 'stop_sequence',
      stop_sequence: 'END',
    };
    const decoded = decodeAnthropicResponse(body);
    expect(decoded).toMatchObject({ finishReason: 'stop_sequence', stopSequence: 'END' });
    expect(encodeAnthropicResponse(decoded)).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: 'END' });
  });

  it('leaves server-tool blocks out and keeps redacted thinking and citations', () => {
    const decoded = decodeAnthropicResponse({
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'm',
      content: [
        { type: 'redacted_thinking', data: 'EmwKAhgB' },
        { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'weather' } },
        { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [] },
        {
          type: 'text',
          text: 'Sunny.',
          citations: [
            {
              type: 'web_search_result_location',
              url: 'https://w.example',
              title: 'W',
              cited_text: 'sun',
              encrypted_index: 'x',
            },
          ],
        },
      ],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 1, output_tokens: 2 },
    });
    expect(decoded.content).toEqual([
      { type: 'redacted_thinking', data: 'EmwKAhgB' },
      { type: 'text', text: 'Sunny.', citations: [{ url: 'https://w.example', title: 'W', citedText: 'sun' }] },
    ]);
    expect(decoded).not.toHaveProperty('stopSequence');
  });

  it('writes unsigned reasoning with an empty signature and leaves out what cannot be an answer', () => {
    const encoded = encodeAnthropicResponse({
      id: 'r',
      model: 'm',
      created: 1,
      content: [
        { type: 'thinking', text: 'from a format without signatures' },
        { type: 'text', text: '' },
        { type: 'image', source: { kind: 'url', url: 'https://x.example/a.png' } },
        { type: 'tool_call', id: 'c', name: 'f', arguments: '' },
      ],
      finishReason: 'tool_calls',
      extensions: {},
    });
    expect(encoded.content).toEqual([
      { type: 'thinking', thinking: 'from a format without signatures', signature: '' },
      { type: 'tool_use', id: 'c', name: 'f', input: {} },
    ]);
    expect(encoded.usage).toEqual(encodeAnthropicUsage(emptyUsage()));
  });

  it.each([
    ['null', null],
    ['no content', { id: 'msg', type: 'message' }],
    ['an error body', { type: 'error', error: { type: 'api_error', message: 'boom' } }],
  ])('rejects a body with %s as UPSTREAM_INVALID_RESPONSE', (_label, body) => {
    expect(() => decodeAnthropicResponse(body)).toThrow(GatewayException);
    try {
      decodeAnthropicResponse(body);
    } catch (error) {
      expect((error as GatewayException).code).toBe(ErrorCode.UPSTREAM_INVALID_RESPONSE);
      expect((error as GatewayException).status).toBe(502);
    }
  });
});

describe('usage mapping', () => {
  const wire: AnthropicUsage = {
    input_tokens: 70,
    cache_creation_input_tokens: 20,
    cache_read_input_tokens: 30,
    output_tokens: 160,
    output_tokens_details: { thinking_tokens: 25 },
  };

  it('maps every bucket across unchanged: nothing imputed, nothing subtracted', () => {
    expect(decodeAnthropicUsage(wire)).toEqual({
      inputTokens: 70,
      outputTokens: 160,
      cacheReadTokens: 30,
      cacheWriteTokens: 20,
      reasoningTokens: 25,
    });
    expect(encodeAnthropicUsage(decodeAnthropicUsage(wire))).toEqual(wire);
  });

  it('reads null and missing cache fields as zero, and writes no details without reasoning', () => {
    const decoded = decodeAnthropicUsage({
      input_tokens: 5,
      output_tokens: 2,
      cache_creation_input_tokens: null,
      cache_read_input_tokens: null,
    });
    expect(decoded).toEqual({ ...emptyUsage(), inputTokens: 5, outputTokens: 2 });
    expect(encodeAnthropicUsage(decoded)).toStrictEqual({
      input_tokens: 5,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      output_tokens: 2,
    });
  });

  it('merges a message_delta usage into the message_start one, keeping what the delta leaves null', () => {
    const start = decodeAnthropicUsage({
      input_tokens: 56,
      cache_read_input_tokens: 64,
      cache_creation_input_tokens: 0,
      output_tokens: 3,
    });
    expect(mergeAnthropicUsage(start, { output_tokens: 85, input_tokens: null })).toEqual({
      inputTokens: 56,
      outputTokens: 85,
      cacheReadTokens: 64,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
    });
  });
});

describe('stop reason mapping', () => {
  it.each<[AnthropicStopReason | null | undefined, FinishReason]>([
    ['end_turn', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['stop_sequence', 'stop_sequence'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'refusal'],
    ['pause_turn', 'pause'],
    [null, 'stop'],
    [undefined, 'stop'],
  ])('decodes %s as %s', (wire, canonical) => {
    expect(decodeAnthropicStopReason(wire)).toBe(canonical);
  });

  const encoded: Record<FinishReason, AnthropicStopReason> = {
    stop: 'end_turn',
    stop_sequence: 'stop_sequence',
    length: 'max_tokens',
    tool_calls: 'tool_use',
    content_filter: 'refusal',
    refusal: 'refusal',
    pause: 'pause_turn',
    error: 'end_turn',
  };

  it.each(FINISH_REASONS.map((reason) => [reason, encoded[reason]]))('encodes %s as %s', (canonical, wire) => {
    expect(encodeAnthropicStopReason(canonical)).toBe(wire);
  });

  it('round-trips every stop reason but model_context_window_exceeded, which reads as max_tokens', () => {
    for (const wire of ['end_turn', 'max_tokens', 'stop_sequence', 'tool_use', 'pause_turn', 'refusal'] as const) {
      expect(encodeAnthropicStopReason(decodeAnthropicStopReason(wire))).toBe(wire);
    }
  });
});

describe('encodeAnthropicErrorBody', () => {
  it.each<[number, string]>([
    [400, 'invalid_request_error'],
    [401, 'authentication_error'],
    [402, 'billing_error'],
    [403, 'permission_error'],
    [404, 'not_found_error'],
    [413, 'request_too_large'],
    [422, 'invalid_request_error'],
    [429, 'rate_limit_error'],
    [500, 'api_error'],
    [502, 'api_error'],
    [503, 'overloaded_error'],
    [504, 'timeout_error'],
    [529, 'overloaded_error'],
  ])('renders HTTP %i as %s', (status, type) => {
    const error = new GatewayException(ErrorCode.UPSTREAM_ERROR, { status, message: `failed with ${status}` });
    expect(encodeAnthropicErrorBody(error.body)).toStrictEqual({
      type: 'error',
      error: { type, message: `failed with ${status}` },
    });
  });

  it('renders the gateway codes in the native shape, 401 included', () => {
    expect(encodeAnthropicErrorBody(new GatewayException(ErrorCode.INVALID_API_KEY).body)).toStrictEqual({
      type: 'error',
      error: { type: 'authentication_error', message: 'Invalid API key' },
    });
    expect(
      encodeAnthropicErrorBody(
        new GatewayException(ErrorCode.MODEL_NOT_FOUND, { message: "Model 'x' not found" }).body,
      ),
    ).toStrictEqual({
      type: 'error',
      error: { type: 'not_found_error', message: "Model 'x' not found" },
    });
    expect(encodeAnthropicErrorBody(new GatewayException(ErrorCode.UPSTREAM_TIMEOUT).body).error.type).toBe(
      'timeout_error',
    );
    expect(encodeAnthropicErrorBody(new GatewayException(ErrorCode.NO_HEALTHY_TARGET).body).error.type).toBe(
      'overloaded_error',
    );
    expect(encodeAnthropicErrorBody(new GatewayException(ErrorCode.UPSTREAM_UNREACHABLE).body).error.type).toBe(
      'api_error',
    );
  });
});
