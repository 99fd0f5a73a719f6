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
import { encodeResponsesErrorBody } from './openai-responses-error.encoder';
import {
  decodeResponsesResponse,
  encodeResponsesResponse,
  responseOutputMessages,
} from './openai-responses-response.codec';
import {
  decodeResponsesFinishReason,
  decodeResponsesUsage,
  encodeResponsesFinishReason,
  encodeResponsesUsage,
} from './openai-responses-usage';
import type { ResponsesResponse, ResponsesUsage } from './openai-responses.types';

function fixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8')) as T;
}

function body(overrides: Partial<ResponsesResponse>): ResponsesResponse {
  return {
    id: 'resp_1',
    object: 'response',
    created_at: 1,
    status: 'completed',
    error: null,
    incomplete_details: null,
    instructions: null,
    metadata: {},
    model: 'm',
    output: [],
    parallel_tool_calls: true,
    temperature: null,
    tool_choice: 'auto',
    tools: [],
    top_p: null,
    usage: null,
    ...overrides,
  };
}

const base: CanonicalResponse = {
  id: 'resp_1',
  model: 'm',
  created: 1,
  content: [],
  finishReason: 'stop',
  extensions: {},
};

describe('decodeResponsesResponse / encodeResponsesResponse', () => {
  it('decodes reasoning, a hosted search, a cited message and a function call into the canonical golden', () => {
    expect(decodeResponsesResponse(fixture('responses-response.json'))).toStrictEqual(
      fixture('responses-response.canonical.json'),
    );
  });

  it('encodes the canonical golden into the client golden, and decodes it back unchanged', () => {
    const canonical = fixture<CanonicalResponse>('responses-response.canonical.json');
    const encoded = encodeResponsesResponse(canonical);
    expect(encoded).toStrictEqual(fixture('responses-response.client.json'));
    expect(decodeResponsesResponse(encoded)).toStrictEqual(canonical);
    expect(encoded.usage).toEqual(fixture<ResponsesResponse>('responses-response.json').usage);
  });

  it('keeps the signature byte for byte as encrypted_content', () => {
    const upstream = fixture<ResponsesResponse>('responses-response.json');
    const encrypted = (upstream.output[0] as { encrypted_content: string }).encrypted_content;
    const encoded = encodeResponsesResponse(decodeResponsesResponse(upstream));
    expect((encoded.output[0] as { encrypted_content: string }).encrypted_content).toBe(encrypted);
  });

  it('uses the id it is given, and derives the item ids from it', () => {
    const encoded = encodeResponsesResponse(
      {
        ...base,
        content: [
          { type: 'text', text: 'hi' },
          { type: 'tool_call', id: 'call_1', name: 'f', arguments: '{}' },
        ],
        finishReason: 'tool_calls',
      },
      { id: 'resp_gateway' },
    );
    expect(encoded.id).toBe('resp_gateway');
    expect(encoded.output.map((item) => item.id)).toEqual(['msg_gateway_0', 'fc_gateway_1']);
  });

  it('encodes length as incomplete/max_output_tokens and content_filter as incomplete/content_filter, both ways', () => {
    const length = encodeResponsesResponse({
      ...base,
      content: [{ type: 'text', text: 'cut' }],
      finishReason: 'length',
    });
    expect(length).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
    expect(length.output[0]).toMatchObject({ type: 'message', status: 'incomplete' });
    expect(decodeResponsesResponse(length).finishReason).toBe('length');
    const filtered = encodeResponsesResponse({ ...base, finishReason: 'content_filter' });
    expect(filtered).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'content_filter' } });
    expect(decodeResponsesResponse(filtered).finishReason).toBe('content_filter');
  });

  it('reads refusal content as text with the refusal finish reason, and writes it back as refusal content', () => {
    const decoded = decodeResponsesResponse(
      body({
        output: [
          {
            id: 'msg_1',
            type: 'message',
            status: 'completed',
            role: 'assistant',
            content: [{ type: 'refusal', refusal: 'I cannot help with that.' }],
          },
        ],
      }),
    );
    expect(decoded.finishReason).toBe('refusal');
    expect(decoded.content).toEqual([{ type: 'text', text: 'I cannot help with that.' }]);
    expect(encodeResponsesResponse(decoded).output[0]).toMatchObject({
      content: [{ type: 'refusal', refusal: 'I cannot help with that.' }],
    });
  });

  it('writes an empty answer with no usage as usage null', () => {
    const encoded = encodeResponsesResponse(base);
    expect(encoded.output).toEqual([]);
    expect(encoded.usage).toBeNull();
    expect(encoded.status).toBe('completed');
  });

  it('drops redacted thinking, which the format cannot carry', () => {
    const encoded = encodeResponsesResponse({
      ...base,
      content: [
        { type: 'redacted_thinking', data: 'x' },
        { type: 'text', text: 'a' },
      ],
    });
    expect(encoded.output.map((item) => item.type)).toEqual(['message']);
  });

  it('treats a failed body as an upstream error', () => {
    const error = (() => {
      try {
        decodeResponsesResponse(body({ status: 'failed', error: { code: 'server_error', message: 'boom' } }));
      } catch (caught) {
        return caught as GatewayException;
      }
      throw new Error('expected a throw');
    })();
    expect(error.code).toBe(ErrorCode.UPSTREAM_ERROR);
    expect(error.message).toBe('boom');
  });

  it.each([
    ['null', null],
    ['no output', { id: 'r', status: 'completed' }],
  ])('rejects a body with %s as UPSTREAM_INVALID_RESPONSE', (_label, value) => {
    expect(() => decodeResponsesResponse(value)).toThrow(GatewayException);
    try {
      decodeResponsesResponse(value);
    } catch (error) {
      expect((error as GatewayException).code).toBe(ErrorCode.UPSTREAM_INVALID_RESPONSE);
    }
  });

  it('gives the assistant turn to store for previous_response_id', () => {
    const canonical = fixture<CanonicalResponse>('responses-response.canonical.json');
    expect(responseOutputMessages(canonical)).toEqual([{ role: 'assistant', content: canonical.content }]);
    expect(responseOutputMessages(base)).toEqual([]);
  });
});

describe('usage mapping', () => {
  it('takes cached tokens out of the input tokens and keeps reasoning inside the output tokens', () => {
    const usage: ResponsesUsage = {
      input_tokens: 1864,
      input_tokens_details: { cached_tokens: 1536 },
      output_tokens: 412,
      output_tokens_details: { reasoning_tokens: 256 },
      total_tokens: 2276,
    };
    const decoded = decodeResponsesUsage(usage);
    expect(decoded).toEqual({
      inputTokens: 328,
      outputTokens: 412,
      cacheReadTokens: 1536,
      cacheWriteTokens: 0,
      reasoningTokens: 256,
    });
    expect(encodeResponsesUsage(decoded)).toEqual(usage);
  });

  it('takes cache writes (Azure/OpenRouter cache_write_tokens) out too, and writes them back', () => {
    const usage: ResponsesUsage = {
      input_tokens: 100,
      input_tokens_details: { cached_tokens: 30, cache_write_tokens: 20 },
      output_tokens: 10,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 110,
    };
    expect(decodeResponsesUsage(usage)).toMatchObject({ inputTokens: 50, cacheReadTokens: 30, cacheWriteTokens: 20 });
    expect(encodeResponsesUsage(decodeResponsesUsage(usage))).toEqual(usage);
  });

  it('encodes canonical usage from other formats: input_tokens is the sum of the input buckets', () => {
    expect(
      encodeResponsesUsage({
        ...emptyUsage(),
        inputTokens: 50,
        cacheReadTokens: 30,
        cacheWriteTokens: 20,
        outputTokens: 5,
        reasoningTokens: 2,
      }),
    ).toEqual({
      input_tokens: 100,
      input_tokens_details: { cached_tokens: 30, cache_write_tokens: 20 },
      output_tokens: 5,
      output_tokens_details: { reasoning_tokens: 2 },
      total_tokens: 105,
    });
  });

  it('tolerates missing details and keeps a reported cost', () => {
    expect(
      decodeResponsesUsage({
        input_tokens: 5,
        output_tokens: 2,
        total_tokens: 7,
        input_tokens_details: null,
        cost: 0.001,
      }),
    ).toEqual({
      ...emptyUsage(),
      inputTokens: 5,
      outputTokens: 2,
      reportedCostUsd: 0.001,
    });
  });
});

describe('finish reason mapping', () => {
  const none = { toolCalls: false, refusal: false };

  it.each<
    [
      ResponsesResponse['status'] | undefined,
      string | undefined,
      { toolCalls: boolean; refusal: boolean },
      FinishReason,
    ]
  >([
    ['completed', undefined, none, 'stop'],
    ['completed', undefined, { toolCalls: true, refusal: false }, 'tool_calls'],
    ['completed', undefined, { toolCalls: false, refusal: true }, 'refusal'],
    ['incomplete', 'max_output_tokens', none, 'length'],
    ['incomplete', 'content_filter', none, 'content_filter'],
    ['failed', undefined, none, 'error'],
    ['cancelled', undefined, none, 'error'],
    [undefined, undefined, none, 'stop'],
  ])('decodes %s/%s %j as %s', (status, reason, traits, canonical) => {
    expect(decodeResponsesFinishReason(status, reason, traits)).toBe(canonical);
  });

  const encoded: Record<FinishReason, string> = {
    stop: 'completed',
    stop_sequence: 'completed',
    length: 'incomplete:max_output_tokens',
    tool_calls: 'completed',
    content_filter: 'incomplete:content_filter',
    refusal: 'completed',
    pause: 'completed',
    error: 'failed',
  };

  it.each(FINISH_REASONS.map((reason) => [reason, encoded[reason]]))('encodes %s as %s', (canonical, wire) => {
    const { status, incomplete_details } = encodeResponsesFinishReason(canonical);
    expect(incomplete_details?.reason ? `${status}:${incomplete_details.reason}` : status).toBe(wire);
  });
});

describe('encodeResponsesErrorBody', () => {
  it.each([
    [ErrorCode.INVALID_REQUEST, 400, 'invalid_request_error', 'invalid_request'],
    [ErrorCode.MODEL_NOT_FOUND, 404, 'invalid_request_error', 'model_not_found'],
    [ErrorCode.INTERNAL, 500, 'server_error', 'internal_error'],
    [ErrorCode.UPSTREAM_ERROR, 502, 'server_error', 'upstream_error'],
    [ErrorCode.NO_HEALTHY_TARGET, 503, 'server_error', 'no_healthy_target'],
    [ErrorCode.UPSTREAM_TIMEOUT, 504, 'server_error', 'upstream_timeout'],
  ])('renders %s (%i) as %s / %s', (code, status, type, wireCode) => {
    const error = new GatewayException(code);
    expect(error.status).toBe(status);
    expect(encodeResponsesErrorBody(error.body)).toEqual({
      error: { message: error.message, type, code: wireCode, param: null },
    });
  });

  it('renders 401 as the reference AuthErrorBody', () => {
    expect(encodeResponsesErrorBody(new GatewayException(ErrorCode.INVALID_API_KEY).body)).toEqual({
      error: { message: 'Invalid API key', type: 'auth_error', code: 401 },
    });
  });

  it('renders a relayed 429 as invalid_request_error, as the reference does, with the param and routing context', () => {
    const error = new GatewayException(ErrorCode.UPSTREAM_ERROR, {
      message: 'Too many requests',
      status: 429,
      param: 'model',
      upstream: { provider: 'openai', model: 'gpt-5', status: 429 },
    });
    expect(encodeResponsesErrorBody(error.body)).toEqual({
      error: {
        message: 'Too many requests',
        type: 'invalid_request_error',
        code: 'upstream_error',
        param: 'model',
        routing_context: { provider: 'openai', target_model: 'gpt-5' },
      },
    });
  });
});
