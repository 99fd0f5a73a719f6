import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, GatewayException, type CanonicalRequest, type ReasoningConfig } from '@plexus/core';
import { assertGeminiRequest, decodeGeminiRequest } from './gemini-request.decoder';
import { encodeGeminiRequest } from './gemini-request.encoder';
import type { GeminiGenerateContentRequest } from './gemini.types';

function fixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8')) as T;
}

const decode = (body: unknown, stream = false): CanonicalRequest =>
  decodeGeminiRequest(body, { model: 'smart', stream });
const encode = (request: CanonicalRequest): GeminiGenerateContentRequest =>
  encodeGeminiRequest(request, { model: 'gemini-2.5-flash' });

function user(...parts: unknown[]): { role: string; parts: unknown[] } {
  return { role: 'user', parts };
}

/** Runs `fn`, expecting a GatewayException, and returns it. */
function thrownBy(fn: () => unknown): GatewayException {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayException);
    return error as GatewayException;
  }
  throw new Error('expected a GatewayException, nothing was thrown');
}

/** The REST API's snake_case spelling of a body: field names only, never user data. */
function snakeCased(value: unknown, userData = false): unknown {
  if (Array.isArray(value)) return value.map((item) => snakeCased(item, userData));
  if (userData || typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`),
      snakeCased(
        item,
        ['args', 'response', 'parameters', 'parametersJsonSchema', 'responseJsonSchema', 'labels'].includes(key),
      ),
    ]),
  );
}

describe('decodeGeminiRequest (golden fixture)', () => {
  it('decodes the rich Gemini request into the canonical golden', () => {
    expect(decode(fixture('gemini-request.json'), true)).toStrictEqual(fixture('gemini-request.canonical.json'));
  });

  it('reads the snake_case spelling the REST API also accepts into the same canonical request', () => {
    expect(decode(snakeCased(fixture('gemini-request.json')), true)).toStrictEqual(
      fixture('gemini-request.canonical.json'),
    );
  });

  it('does not mutate the body it decodes', () => {
    const body = fixture('gemini-request.json');
    const copy = structuredClone(body);
    decode(body);
    expect(body).toEqual(copy);
  });

  it('keeps what canonical cannot say in extensions.gemini, and only that', () => {
    expect(decode(fixture('gemini-request.json')).extensions).toEqual({
      gemini: {
        safetySettings: [{ category: 'HARM_CATEGORY_DANGEROUS_CONTENT', threshold: 'BLOCK_ONLY_HIGH' }],
        cachedContent: 'cachedContents/travel-guide-3f9a',
        labels: { team: 'travel' },
        fileMimeTypes: { 'https://generativelanguage.googleapis.com/v1beta/files/visa-rules-7k2p': 'application/pdf' },
        tools: [{ googleSearch: {} }],
        generationConfig: { responseModalities: ['TEXT'] },
      },
    });
  });

  it('takes the model and the stream flag from the URL, and always reports usage in a stream', () => {
    const body = { contents: [user({ text: 'a' })] };
    expect(decodeGeminiRequest(body, { model: 'gemini-flash', stream: true })).toMatchObject({
      model: 'gemini-flash',
      stream: true,
      streamUsage: true,
    });
    expect(decode(body, false)).toMatchObject({ stream: false, streamUsage: false });
  });

  it('gives each function response the id of the earliest unanswered call of the same name', () => {
    const decoded = decode({
      contents: [
        user({ text: 'time and weather?' }),
        {
          role: 'model',
          parts: [
            { functionCall: { name: 'get_weather', args: {} } },
            { functionCall: { name: 'get_time', args: {} } },
          ],
        },
        user(
          { functionResponse: { name: 'get_time', response: { result: '09:00' } } },
          { functionResponse: { name: 'get_weather', response: { result: 'rain' } } },
        ),
        { role: 'model', parts: [{ functionCall: { name: 'get_time', args: { zone: 'UTC' } } }] },
        user({ functionResponse: { name: 'get_time', response: { result: '08:00' } } }),
      ],
    });
    const calls = decoded.messages.flatMap((message) => message.content).filter((part) => part.type === 'tool_call');
    const results = decoded.messages
      .flatMap((message) => message.content)
      .filter((part) => part.type === 'tool_result');
    expect(calls.map((call) => call.id)).toEqual(['call_0_get_weather', 'call_1_get_time', 'call_2_get_time']);
    expect(results.map((result) => [result.toolCallId, result.name, result.content])).toEqual([
      ['call_1_get_time', 'get_time', [{ type: 'text', text: '09:00' }]],
      ['call_0_get_weather', 'get_weather', [{ type: 'text', text: 'rain' }]],
      ['call_2_get_time', 'get_time', [{ type: 'text', text: '08:00' }]],
    ]);
  });

  it('uses call ids when the client sends them, and keeps synthesised ids safe for other formats', () => {
    const decoded = decode({
      contents: [
        {
          role: 'model',
          parts: [
            { functionCall: { id: 'fc-1', name: 'a', args: {} } },
            { functionCall: { name: 'ns.tool:run', args: {} } },
          ],
        },
        user({ functionResponse: { id: 'fc-1', name: 'a', response: {} } }),
      ],
    });
    const parts = decoded.messages.flatMap((message) => message.content);
    expect(parts[1]).toMatchObject({ type: 'tool_call', id: 'call_0_ns_tool_run' });
    expect(parts[2]).toMatchObject({
      type: 'tool_result',
      toolCallId: 'fc-1',
      content: [{ type: 'text', text: '{}' }],
    });
  });

  it('reads function-response media and keeps the error flag', () => {
    const decoded = decode({
      contents: [
        user({
          functionResponse: {
            name: 'snapshot',
            response: { error: { code: 5, message: 'camera offline' } },
            parts: [{ inlineData: { mimeType: 'image/png', data: 'AAAA' } }],
          },
        }),
      ],
    });
    expect(decoded.messages[0]?.content[0]).toEqual({
      type: 'tool_result',
      toolCallId: 'call_0_snapshot',
      name: 'snapshot',
      content: [
        { type: 'text', text: '{"code":5,"message":"camera offline"}' },
        { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'AAAA' } },
      ],
      isError: true,
    });
  });

  it('reads a string systemInstruction, the legacy function role as user, and skips turns with nothing canonical', () => {
    const decoded = decode({
      systemInstruction: 'Be brief.',
      contents: [
        user({ text: 'a' }),
        { role: 'model', parts: [{ executableCode: { language: 'PYTHON', code: 'print(1)' } }] },
        { role: 'function', parts: [{ functionResponse: { name: 'f', response: { result: 'x' } } }] },
      ],
    });
    expect(decoded.instructions).toEqual([{ role: 'system', text: 'Be brief.' }]);
    expect(decoded.messages.map((message) => message.role)).toEqual(['user', 'user']);
  });

  it.each([
    [{ mode: 'AUTO' }, { type: 'auto' }, undefined],
    [{ mode: 'NONE' }, { type: 'none' }, undefined],
    [{ mode: 'ANY' }, { type: 'required' }, undefined],
    [{ mode: 'ANY', allowedFunctionNames: ['f'] }, { type: 'tool', name: 'f' }, undefined],
    [
      { mode: 'ANY', allowedFunctionNames: ['f', 'g'] },
      { type: 'required' },
      { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['f', 'g'] } },
    ],
    [{ mode: 'VALIDATED' }, { type: 'auto' }, { functionCallingConfig: { mode: 'VALIDATED' } }],
  ])('reads functionCallingConfig %j as %j', (config, choice, kept) => {
    const decoded = decode({ contents: [user({ text: 'a' })], toolConfig: { functionCallingConfig: config } });
    expect(decoded.toolChoice).toEqual(choice);
    expect(decoded.extensions.gemini?.['toolConfig']).toEqual(kept);
    expect(encode(decoded).toolConfig).toEqual({ functionCallingConfig: config });
  });

  it.each<[Record<string, unknown>, ReasoningConfig | undefined, unknown]>([
    [{ thinkingLevel: 'LOW' }, { effort: 'low' }, undefined],
    [{ thinking_level: 'high', include_thoughts: false }, { effort: 'high', includeThoughts: false }, undefined],
    [{ thinkingBudget: 0 }, { budgetTokens: 0 }, undefined],
    [
      { thinkingBudget: -1, includeThoughts: true },
      { includeThoughts: true },
      { thinkingConfig: { thinkingBudget: -1 } },
    ],
  ])('reads thinkingConfig %j', (thinkingConfig, reasoning, kept) => {
    const decoded = decode({ contents: [user({ text: 'a' })], generationConfig: { thinkingConfig } });
    expect(decoded.reasoning).toEqual(reasoning);
    expect(decoded.extensions.gemini?.['generationConfig']).toEqual(kept);
  });

  it('restores a dynamic thinking budget (-1) for a Gemini upstream', () => {
    const decoded = decode({
      contents: [user({ text: 'a' })],
      generationConfig: { thinkingConfig: { thinkingBudget: -1 } },
    });
    expect(encode(decoded).generationConfig).toEqual({ thinkingConfig: { thinkingBudget: -1 } });
  });

  it('reads Gemini Schema (upper-case types) as JSON Schema, for tools and for structured output', () => {
    const decoded = decode({
      contents: [user({ text: 'a' })],
      tools: [
        {
          functionDeclarations: [
            { name: 'f', parameters: { type: 'OBJECT', properties: { type: { type: 'STRING' } } } },
            { name: 'g' },
          ],
        },
      ],
      generationConfig: {
        responseMimeType: 'application/json',
        responseSchema: { type: 'ARRAY', items: { type: 'INTEGER' } },
      },
    });
    expect(decoded.tools).toEqual([
      { name: 'f', parameters: { type: 'object', properties: { type: { type: 'string' } } } },
      { name: 'g', parameters: { type: 'object', properties: {} } },
    ]);
    expect(decoded.responseFormat).toEqual({
      type: 'json_schema',
      name: 'response',
      schema: { type: 'array', items: { type: 'integer' } },
    });
  });

  it.each([
    [{ responseMimeType: 'application/json' }, { type: 'json_object' }, undefined],
    [{ responseMimeType: 'text/plain' }, { type: 'text' }, undefined],
    [
      { responseMimeType: 'text/x.enum', responseSchema: { type: 'STRING', enum: ['a'] } },
      undefined,
      { responseMimeType: 'text/x.enum', responseSchema: { type: 'STRING', enum: ['a'] } },
    ],
  ])('reads generationConfig %j as response format %j', (generationConfig, format, kept) => {
    const decoded = decode({ contents: [user({ text: 'a' })], generationConfig });
    expect(decoded.responseFormat).toEqual(format);
    expect(decoded.extensions.gemini?.['generationConfig']).toEqual(kept);
  });
});

describe('assertGeminiRequest', () => {
  it('accepts the fixture', () => {
    expect(() => assertGeminiRequest(fixture('gemini-request.json'))).not.toThrow();
  });

  it.each([
    ['a non-object body', [], 'body'],
    ['a null body', null, 'body'],
    ['missing contents', { generationConfig: {} }, 'contents'],
    ['empty contents', { contents: [] }, 'contents'],
    ['contents that are not an array', { contents: { role: 'user' } }, 'contents'],
    ['a content that is not an object', { contents: ['hi'] }, 'contents[0]'],
    [
      'a bad role',
      { contents: [user({ text: 'a' }), { role: 'assistant', parts: [{ text: 'b' }] }] },
      'contents[1].role',
    ],
    ['missing parts', { contents: [{ role: 'user' }] }, 'contents[0].parts'],
    ['empty parts', { contents: [{ role: 'user', parts: [] }] }, 'contents[0].parts'],
    ['a part that is not an object', { contents: [user('text')] }, 'contents[0].parts[0]'],
    ['tools that are not an array', { contents: [user({ text: 'a' })], tools: {} }, 'tools'],
    [
      'a nameless function',
      { contents: [user({ text: 'a' })], tools: [{ functionDeclarations: [{ description: 'x' }] }] },
      'tools[0].functionDeclarations[0].name',
    ],
  ])('rejects %s with INVALID_REQUEST', (_label, body, param) => {
    const error = thrownBy(() => assertGeminiRequest(body));
    expect(error.code).toBe(ErrorCode.INVALID_REQUEST);
    expect(error.status).toBe(400);
    expect(error.body.param).toBe(param);
  });

  it('is applied by decodeGeminiRequest', () => {
    const error = thrownBy(() => decode({ contents: [] }));
    expect(error.body.param).toBe('contents');
  });
});
