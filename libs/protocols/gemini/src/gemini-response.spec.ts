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
import { encodeGeminiErrorBody } from './gemini-error.encoder';
import { decodeGeminiResponse, encodeGeminiResponse } from './gemini-response.codec';
import {
  decodeGeminiFinishReason,
  decodeGeminiUsage,
  encodeGeminiFinishReason,
  encodeGeminiUsage,
} from './gemini-usage';
import type { GeminiFinishReason, GeminiGenerateContentResponse, GeminiUsageMetadata } from './gemini.types';

function fixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8')) as T;
}

const NOW_MS = 1_764_000_000_000;

beforeEach(() => jest.spyOn(Date, 'now').mockReturnValue(NOW_MS));
afterEach(() => jest.restoreAllMocks());

function answer(
  parts: unknown[],
  candidate: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
): unknown {
  return {
    candidates: [{ content: { parts, role: 'model' }, finishReason: 'STOP', index: 0, ...candidate }],
    modelVersion: 'm',
    responseId: 'r',
    ...extra,
  };
}

describe('decodeGeminiResponse / encodeGeminiResponse', () => {
  it('decodes a response with a thought, text and signed parallel function calls into the canonical golden', () => {
    expect(decodeGeminiResponse(fixture('gemini-response.json'))).toStrictEqual(
      fixture('gemini-response.canonical.json'),
    );
  });

  it('encodes the canonical golden back into the upstream body (per-modality token details aside)', () => {
    const upstream = fixture<GeminiGenerateContentResponse>('gemini-response.json');
    delete upstream.usageMetadata?.promptTokensDetails;
    delete upstream.usageMetadata?.cacheTokensDetails;
    expect(encodeGeminiResponse(fixture<CanonicalResponse>('gemini-response.canonical.json'))).toEqual(upstream);
  });

  it('gives function calls stable ids that differ between answers', () => {
    const first = decodeGeminiResponse(fixture('gemini-response.json'));
    const again = decodeGeminiResponse(fixture('gemini-response.json'));
    const other = decodeGeminiResponse({ ...fixture<object>('gemini-response.json'), responseId: 'another-answer' });
    const ids = (response: CanonicalResponse): string[] =>
      response.content.flatMap((part) => (part.type === 'tool_call' ? [part.id] : []));
    expect(ids(again)).toEqual(ids(first));
    expect(new Set(ids(first)).size).toBe(2);
    expect(ids(other)).not.toEqual(ids(first));
    for (const id of ids(first)) expect(id).toMatch(/^[A-Za-z0-9_-]{1,40}$/);
  });

  it('uses a call id the upstream sent', () => {
    const decoded = decodeGeminiResponse(answer([{ functionCall: { id: 'fc_9', name: 'f', args: {} } }]));
    expect(decoded.content).toEqual([{ type: 'tool_call', id: 'fc_9', name: 'f', arguments: '{}' }]);
  });

  it('encodes the chat golden (another format) into a Gemini body: reasoning as a thought, calls as functionCall objects', () => {
    const chat = JSON.parse(
      readFileSync(
        join(__dirname, '..', '..', 'openai-chat', 'src', 'fixtures', 'chat-response.canonical.json'),
        'utf8',
      ),
    ) as CanonicalResponse;
    expect(encodeGeminiResponse(chat)).toStrictEqual({
      candidates: [
        {
          content: {
            parts: [
              { text: 'Two cities, so two parallel get_weather calls.', thought: true },
              { text: 'Checking both cities.' },
              { functionCall: { name: 'get_weather', args: { city: 'Paris', unit: 'celsius' } } },
              { functionCall: { name: 'get_weather', args: { city: 'Tokyo', unit: 'celsius' } } },
            ],
            role: 'model',
          },
          finishReason: 'STOP',
          index: 0,
        },
      ],
      usageMetadata: {
        promptTokenCount: 100,
        candidatesTokenCount: 35,
        totalTokenCount: 160,
        cachedContentTokenCount: 30,
        thoughtsTokenCount: 25,
      },
      modelVersion: 'deepseek-reasoner',
      responseId: 'chatcmpl-C1rQ8pLx',
    });
  });

  it('keeps a signature on an answer text part (Gemini 3) on that part through a round trip', () => {
    const parts = [
      { text: 'Hello there.', thoughtSignature: 'Ch0BdGV4dC1zaWc=' },
      { text: '', thoughtSignature: 'trailing+/=' },
    ];
    const decoded = decodeGeminiResponse(answer(parts));
    expect(decoded.content).toEqual([
      { type: 'thinking', text: '', signature: 'Ch0BdGV4dC1zaWc=' },
      { type: 'text', text: 'Hello there.' },
      { type: 'thinking', text: '', signature: 'trailing+/=' },
    ]);
    expect(encodeGeminiResponse(decoded).candidates?.[0]?.content?.parts).toEqual(parts);
  });

  it('reads generated images as image parts and gives them back', () => {
    const parts = [{ text: 'Here it is.' }, { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } }];
    const decoded = decodeGeminiResponse(answer(parts));
    expect(decoded.content[1]).toEqual({
      type: 'image',
      source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgo=' },
    });
    expect(encodeGeminiResponse(decoded).candidates?.[0]?.content?.parts).toEqual(parts);
  });

  it.each(['RECITATION', 'MALFORMED_FUNCTION_CALL', 'PROHIBITED_CONTENT', 'LANGUAGE'])(
    'keeps a %s finish reason for a Gemini client while canonical folds it',
    (reason) => {
      const decoded = decodeGeminiResponse(answer([{ text: 'x' }], { finishReason: reason }));
      expect(decoded.extensions.gemini?.['candidate']).toEqual({ finishReason: reason });
      expect(encodeGeminiResponse(decoded).candidates?.[0]?.finishReason).toBe(reason);
    },
  );

  it('reads a blocked prompt (no candidates) as content_filter and gives the promptFeedback back', () => {
    const body = {
      promptFeedback: { blockReason: 'SAFETY', safetyRatings: [] },
      usageMetadata: { promptTokenCount: 9, totalTokenCount: 9 },
      modelVersion: 'm',
      responseId: 'r',
    };
    const decoded = decodeGeminiResponse(body);
    expect(decoded).toMatchObject({
      content: [],
      finishReason: 'content_filter',
      extensions: { gemini: { promptFeedback: body.promptFeedback } },
    });
    expect(encodeGeminiResponse(decoded)).toEqual({
      promptFeedback: body.promptFeedback,
      usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 0, totalTokenCount: 9 },
      modelVersion: 'm',
      responseId: 'r',
    });
  });

  it('reads candidate 0 only', () => {
    const body = {
      candidates: [
        { content: { parts: [{ text: 'second' }] }, index: 1 },
        { content: { parts: [{ text: 'first' }] }, index: 0 },
      ],
    };
    expect(decodeGeminiResponse(body).content).toEqual([{ type: 'text', text: 'first' }]);
  });

  it.each([
    ['null', null],
    ['an array', []],
    ['no candidates', { responseId: 'r' }],
    ['empty candidates', { candidates: [] }],
  ])('rejects a body with %s as UPSTREAM_INVALID_RESPONSE', (_label, body) => {
    expect(() => decodeGeminiResponse(body)).toThrow(GatewayException);
    try {
      decodeGeminiResponse(body);
    } catch (error) {
      expect((error as GatewayException).code).toBe(ErrorCode.UPSTREAM_INVALID_RESPONSE);
      expect((error as GatewayException).status).toBe(502);
    }
  });
});

describe('usage mapping', () => {
  const usage: GeminiUsageMetadata = {
    promptTokenCount: 812,
    candidatesTokenCount: 41,
    totalTokenCount: 1139,
    cachedContentTokenCount: 512,
    thoughtsTokenCount: 286,
  };

  it('takes the cached prompt out of input and puts thoughts into output', () => {
    expect(decodeGeminiUsage(usage)).toEqual({
      inputTokens: 300,
      outputTokens: 327,
      cacheReadTokens: 512,
      cacheWriteTokens: 0,
      reasoningTokens: 286,
    });
  });

  it('encodes back to the exact same numbers', () => {
    expect(encodeGeminiUsage(decodeGeminiUsage(usage))).toEqual(usage);
  });

  it('decodes the encoding of any canonical usage without cache writes to the same usage', () => {
    const canonical = {
      inputTokens: 70,
      outputTokens: 60,
      cacheReadTokens: 30,
      cacheWriteTokens: 0,
      reasoningTokens: 25,
    };
    expect(decodeGeminiUsage(encodeGeminiUsage(canonical))).toEqual(canonical);
  });

  it('counts cache writes and tool-use prompts as prompt tokens (Gemini has no separate bucket)', () => {
    expect(
      encodeGeminiUsage({
        ...emptyUsage(),
        inputTokens: 50,
        cacheReadTokens: 30,
        cacheWriteTokens: 20,
        outputTokens: 5,
      }),
    ).toEqual({
      promptTokenCount: 100,
      candidatesTokenCount: 5,
      totalTokenCount: 105,
      cachedContentTokenCount: 30,
    });
    expect(
      decodeGeminiUsage({
        promptTokenCount: 10,
        toolUsePromptTokenCount: 90,
        candidatesTokenCount: 3,
        totalTokenCount: 103,
      }),
    ).toMatchObject({
      inputTokens: 100,
      outputTokens: 3,
    });
  });

  it('tolerates missing counts', () => {
    expect(decodeGeminiUsage({})).toEqual(emptyUsage());
    expect(decodeGeminiUsage({ promptTokenCount: 5, totalTokenCount: 5 })).toEqual({ ...emptyUsage(), inputTokens: 5 });
  });
});

describe('finish reason mapping', () => {
  it.each<[string | undefined, FinishReason]>([
    ['STOP', 'stop'],
    [undefined, 'stop'],
    ['FINISH_REASON_UNSPECIFIED', 'stop'],
    ['MAX_TOKENS', 'length'],
    ['SAFETY', 'content_filter'],
    ['RECITATION', 'content_filter'],
    ['BLOCKLIST', 'content_filter'],
    ['PROHIBITED_CONTENT', 'content_filter'],
    ['SPII', 'content_filter'],
    ['IMAGE_SAFETY', 'content_filter'],
    ['LANGUAGE', 'error'],
    ['OTHER', 'error'],
    ['MALFORMED_FUNCTION_CALL', 'error'],
    ['UNEXPECTED_TOOL_CALL', 'error'],
    ['TOO_MANY_TOOL_CALLS', 'error'],
  ])('decodes %s as %s', (wire, canonical) => {
    expect(decodeGeminiFinishReason(wire)).toBe(canonical);
  });

  it('reads STOP after function calls as tool_calls', () => {
    expect(decodeGeminiFinishReason('STOP', true)).toBe('tool_calls');
    expect(decodeGeminiFinishReason('MAX_TOKENS', true)).toBe('length');
  });

  const encoded: Record<FinishReason, GeminiFinishReason> = {
    stop: 'STOP',
    stop_sequence: 'STOP',
    length: 'MAX_TOKENS',
    tool_calls: 'STOP',
    content_filter: 'SAFETY',
    refusal: 'SAFETY',
    pause: 'STOP',
    error: 'OTHER',
  };

  it.each(FINISH_REASONS.map((reason) => [reason, encoded[reason]]))(
    'encodes %s as %s (a valid Gemini enum value)',
    (canonical, wire) => {
      expect(encodeGeminiFinishReason(canonical)).toBe(wire);
    },
  );

  it('round-trips STOP, MAX_TOKENS and SAFETY', () => {
    for (const wire of ['STOP', 'MAX_TOKENS', 'SAFETY'] as const)
      expect(encodeGeminiFinishReason(decodeGeminiFinishReason(wire))).toBe(wire);
  });
});

describe('encodeGeminiErrorBody', () => {
  it.each([
    [ErrorCode.INVALID_REQUEST, undefined, 400, 'INVALID_ARGUMENT'],
    [ErrorCode.PAYLOAD_TOO_LARGE, undefined, 413, 'INVALID_ARGUMENT'],
    [ErrorCode.INVALID_API_KEY, undefined, 401, 'UNAUTHENTICATED'],
    [ErrorCode.MISSING_API_KEY, undefined, 401, 'UNAUTHENTICATED'],
    [ErrorCode.FORBIDDEN, undefined, 403, 'PERMISSION_DENIED'],
    [ErrorCode.MODEL_NOT_FOUND, undefined, 404, 'NOT_FOUND'],
    [ErrorCode.UPSTREAM_ERROR, 429, 429, 'RESOURCE_EXHAUSTED'],
    [ErrorCode.INTERNAL, undefined, 500, 'INTERNAL'],
    [ErrorCode.UPSTREAM_ERROR, undefined, 502, 'UNAVAILABLE'],
    [ErrorCode.NO_HEALTHY_TARGET, undefined, 503, 'UNAVAILABLE'],
    [ErrorCode.UPSTREAM_TIMEOUT, undefined, 504, 'DEADLINE_EXCEEDED'],
  ])('renders %s (status %s) as code %i / %s', (code, status, wireCode, wireStatus) => {
    const error = new GatewayException(code, { message: 'it failed', ...(status !== undefined && { status }) });
    expect(encodeGeminiErrorBody(error.body)).toEqual({
      error: { code: wireCode, message: 'it failed', status: wireStatus },
    });
  });

  it("uses Google's own shape for 401, not the OpenAI auth_error body", () => {
    expect(encodeGeminiErrorBody(new GatewayException(ErrorCode.INVALID_API_KEY).body)).toEqual({
      error: { code: 401, message: 'Invalid API key', status: 'UNAUTHENTICATED' },
    });
  });
});
