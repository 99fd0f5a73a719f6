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
import { encodeChatErrorBody } from './openai-chat-error.encoder';
import { decodeChatResponse, encodeChatResponse } from './openai-chat-response.codec';
import { decodeChatFinishReason, decodeChatUsage, encodeChatFinishReason, encodeChatUsage } from './openai-chat-usage';
import type { ChatFinishReason, ChatUsage } from './openai-chat.types';

function fixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8')) as T;
}

describe('decodeChatResponse / encodeChatResponse', () => {
  it('decodes a response with reasoning_content and parallel tool_calls into the canonical golden', () => {
    expect(decodeChatResponse(fixture('chat-response.json'))).toStrictEqual(fixture('chat-response.canonical.json'));
  });

  it('encodes the canonical golden back into a chat.completion body', () => {
    const encoded = encodeChatResponse(fixture<CanonicalResponse>('chat-response.canonical.json'));
    const upstream = fixture<Record<string, unknown>>('chat-response.json');
    expect(encoded).toEqual({
      id: 'chatcmpl-C1rQ8pLx',
      object: 'chat.completion',
      created: 1764000100,
      model: 'deepseek-reasoner',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Checking both cities.',
            reasoning_content: 'Two cities, so two parallel get_weather calls.',
            tool_calls: [
              {
                id: 'call_paris',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
              },
              {
                id: 'call_tokyo',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"city": "Tokyo", "unit": "celsius"}' },
              },
            ],
          },
          finish_reason: 'tool_calls',
          logprobs: null,
        },
      ],
      usage: {
        prompt_tokens: 100,
        completion_tokens: 60,
        total_tokens: 160,
        prompt_tokens_details: { cached_tokens: 30 },
        completion_tokens_details: { reasoning_tokens: 25 },
      },
    });
    expect(encoded.usage).toEqual(upstream['usage']);
  });

  it('writes content null when the answer is only tool calls, and an empty string when it is empty', () => {
    const base: CanonicalResponse = {
      id: 'r',
      model: 'm',
      created: 1,
      content: [],
      finishReason: 'stop',
      extensions: {},
    };
    const toolOnly = encodeChatResponse({
      ...base,
      content: [{ type: 'tool_call', id: 'c', name: 'f', arguments: '{}' }],
      finishReason: 'tool_calls',
    });
    expect(toolOnly.choices[0]?.message.content).toBeNull();
    const empty = encodeChatResponse(base);
    expect(empty.choices[0]?.message).toEqual({ role: 'assistant', content: '' });
    expect(empty).not.toHaveProperty('usage');
  });

  it('reads a refusal as the refusal finish reason, which encodes as content_filter', () => {
    const decoded = decodeChatResponse({
      id: 'r',
      object: 'chat.completion',
      created: 1,
      model: 'm',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: null, refusal: 'I cannot help with that.' },
          finish_reason: 'stop',
        },
      ],
    });
    expect(decoded.finishReason).toBe('refusal');
    expect(decoded.content).toEqual([]);
    expect(encodeChatResponse(decoded).choices[0]?.finish_reason).toBe('content_filter');
  });

  it('reads OpenRouter-style `reasoning` on the message as thinking', () => {
    const decoded = decodeChatResponse({
      id: 'r',
      created: 1,
      model: 'm',
      choices: [
        { index: 0, message: { role: 'assistant', content: 'ok', reasoning: 'thought' }, finish_reason: 'stop' },
      ],
    });
    expect(decoded.content).toEqual([
      { type: 'thinking', text: 'thought' },
      { type: 'text', text: 'ok' },
    ]);
  });

  it.each([
    ['null', null],
    ['no choices', { id: 'r', choices: [] }],
    ['a choice without a message', { id: 'r', choices: [{ index: 0, finish_reason: 'stop' }] }],
  ])('rejects a body with %s as UPSTREAM_INVALID_RESPONSE', (_label, body) => {
    expect(() => decodeChatResponse(body)).toThrow(GatewayException);
    try {
      decodeChatResponse(body);
    } catch (error) {
      expect((error as GatewayException).code).toBe(ErrorCode.UPSTREAM_INVALID_RESPONSE);
      expect((error as GatewayException).status).toBe(502);
    }
  });
});

describe('usage mapping', () => {
  it('takes OpenAI cached tokens out of the input tokens', () => {
    const usage: ChatUsage = {
      prompt_tokens: 100,
      completion_tokens: 40,
      total_tokens: 140,
      prompt_tokens_details: { cached_tokens: 30 },
      completion_tokens_details: { reasoning_tokens: 12 },
    };
    expect(decodeChatUsage(usage)).toEqual({
      inputTokens: 70,
      outputTokens: 40,
      cacheReadTokens: 30,
      cacheWriteTokens: 0,
      reasoningTokens: 12,
    });
  });

  it("reads DeepSeek's prompt_cache_hit_tokens as cache reads", () => {
    const usage: ChatUsage = {
      prompt_tokens: 100,
      completion_tokens: 10,
      total_tokens: 110,
      prompt_cache_hit_tokens: 30,
    };
    expect(decodeChatUsage(usage)).toMatchObject({ inputTokens: 70, cacheReadTokens: 30 });
  });

  it('takes cache writes out of the input tokens too', () => {
    const usage: ChatUsage = {
      prompt_tokens: 100,
      completion_tokens: 10,
      total_tokens: 110,
      prompt_tokens_details: { cached_tokens: 30, cache_write_tokens: 20 },
    };
    expect(decodeChatUsage(usage)).toMatchObject({ inputTokens: 50, cacheReadTokens: 30, cacheWriteTokens: 20 });
  });

  it("keeps OpenRouter's usage.cost as reportedCostUsd, and leaves it out when absent", () => {
    const base: ChatUsage = { prompt_tokens: 100, completion_tokens: 10, total_tokens: 110 };
    expect(decodeChatUsage({ ...base, cost: 0.00123 }).reportedCostUsd).toBe(0.00123);
    expect(decodeChatUsage({ ...base, cost: 0 }).reportedCostUsd).toBe(0);
    expect(decodeChatUsage(base)).not.toHaveProperty('reportedCostUsd');
  });

  it('tolerates null details', () => {
    const usage: ChatUsage = {
      prompt_tokens: 5,
      completion_tokens: 2,
      total_tokens: 7,
      prompt_tokens_details: null,
      completion_tokens_details: null,
    };
    expect(decodeChatUsage(usage)).toEqual({ ...emptyUsage(), inputTokens: 5, outputTokens: 2 });
  });

  it('encodes back to prompt_tokens as the sum of input, cache reads and cache writes', () => {
    const decoded = decodeChatUsage({
      prompt_tokens: 100,
      completion_tokens: 40,
      total_tokens: 140,
      prompt_tokens_details: { cached_tokens: 30 },
      completion_tokens_details: { reasoning_tokens: 12 },
    });
    expect(encodeChatUsage(decoded)).toEqual({
      prompt_tokens: 100,
      completion_tokens: 40,
      total_tokens: 140,
      prompt_tokens_details: { cached_tokens: 30 },
      completion_tokens_details: { reasoning_tokens: 12 },
    });
    expect(
      encodeChatUsage({ ...emptyUsage(), inputTokens: 50, cacheReadTokens: 30, cacheWriteTokens: 20, outputTokens: 5 }),
    ).toMatchObject({
      prompt_tokens: 100,
      total_tokens: 105,
    });
  });
});

describe('finish reason mapping', () => {
  it.each<[ChatFinishReason | null | undefined, FinishReason]>([
    ['stop', 'stop'],
    ['length', 'length'],
    ['tool_calls', 'tool_calls'],
    ['function_call', 'tool_calls'],
    ['content_filter', 'content_filter'],
    [null, 'stop'],
    [undefined, 'stop'],
  ])('decodes %s as %s', (wire, canonical) => {
    expect(decodeChatFinishReason(wire)).toBe(canonical);
  });

  const encoded: Record<FinishReason, ChatFinishReason> = {
    stop: 'stop',
    stop_sequence: 'stop',
    length: 'length',
    tool_calls: 'tool_calls',
    content_filter: 'content_filter',
    refusal: 'content_filter',
    pause: 'stop',
    error: 'stop',
  };

  it.each(FINISH_REASONS.map((reason) => [reason, encoded[reason]]))('encodes %s as %s', (canonical, wire) => {
    expect(encodeChatFinishReason(canonical)).toBe(wire);
  });

  it('round-trips every wire reason except the legacy function_call', () => {
    for (const wire of ['stop', 'length', 'tool_calls', 'content_filter'] as const) {
      expect(encodeChatFinishReason(decodeChatFinishReason(wire))).toBe(wire);
    }
  });
});

describe('encodeChatErrorBody', () => {
  it('renders 401 as the auth_error body with a numeric code and no param', () => {
    const error = new GatewayException(ErrorCode.INVALID_API_KEY);
    expect(encodeChatErrorBody(error.body)).toEqual({
      error: { message: 'Invalid API key', type: 'auth_error', code: 401 },
    });
    expect(encodeChatErrorBody(new GatewayException(ErrorCode.MISSING_API_KEY).body).error).toEqual({
      message: 'Missing API key',
      type: 'auth_error',
      code: 401,
    });
  });

  it('renders an unknown model as invalid_request_error / model_not_found with its param', () => {
    const error = new GatewayException(ErrorCode.MODEL_NOT_FOUND, {
      message: "The model 'x' does not exist",
      param: 'model',
    });
    expect(encodeChatErrorBody(error.body)).toEqual({
      error: {
        message: "The model 'x' does not exist",
        type: 'invalid_request_error',
        code: 'model_not_found',
        param: 'model',
      },
    });
  });

  it('renders 429 as rate_limit_error', () => {
    const error = new GatewayException(ErrorCode.UPSTREAM_ERROR, { message: 'Too many requests', status: 429 });
    expect(encodeChatErrorBody(error.body)).toEqual({
      error: { message: 'Too many requests', type: 'rate_limit_error', code: 'upstream_error', param: null },
    });
  });

  it('renders 502 as api_error', () => {
    const error = new GatewayException(ErrorCode.UPSTREAM_UNREACHABLE);
    expect(encodeChatErrorBody(error.body)).toEqual({
      error: { message: 'Upstream provider unreachable', type: 'api_error', code: 'upstream_unreachable', param: null },
    });
  });

  it.each([
    [ErrorCode.FORBIDDEN, 'permission_error', 'forbidden'],
    [ErrorCode.INVALID_REQUEST, 'invalid_request_error', 'invalid_request'],
    [ErrorCode.PAYLOAD_TOO_LARGE, 'invalid_request_error', 'payload_too_large'],
    [ErrorCode.NO_HEALTHY_TARGET, 'api_error', 'no_healthy_target'],
    [ErrorCode.UPSTREAM_TIMEOUT, 'api_error', 'upstream_timeout'],
    [ErrorCode.INTERNAL, 'api_error', 'internal_error'],
  ])('renders %s as %s / %s', (code, type, wireCode) => {
    expect(encodeChatErrorBody(new GatewayException(code).body).error).toMatchObject({ type, code: wireCode });
  });
});
