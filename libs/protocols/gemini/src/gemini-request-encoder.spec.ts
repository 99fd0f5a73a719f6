import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CanonicalRequest, ContentPart, ReasoningConfig } from '@plexus/core';
import { decodeGeminiRequest } from './gemini-request.decoder';
import { encodeGeminiRequest, FOREIGN_CALL_SIGNATURE } from './gemini-request.encoder';
import type { GeminiGenerateContentRequest } from './gemini.types';

function fixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8')) as T;
}

function chatFixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(join(__dirname, '..', '..', 'openai-chat', 'src', 'fixtures', name), 'utf8')) as T;
}

const decode = (body: unknown, stream = false): CanonicalRequest =>
  decodeGeminiRequest(body, { model: 'smart', stream });
const encode = (request: CanonicalRequest): GeminiGenerateContentRequest =>
  encodeGeminiRequest(request, { model: 'gemini-2.5-flash' });

function minimalCanonical(overrides: Partial<CanonicalRequest> = {}): CanonicalRequest {
  return {
    model: 'alias',
    instructions: [],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    tools: [],
    sampling: {},
    stream: false,
    streamUsage: false,
    extensions: {},
    ...overrides,
  };
}

describe('encodeGeminiRequest', () => {
  const canonical = (): CanonicalRequest => fixture<CanonicalRequest>('gemini-request.canonical.json');

  it('encodes the canonical golden into the upstream golden', () => {
    expect(encode(canonical())).toStrictEqual(fixture('gemini-request.upstream.json'));
  });

  it('round-trips the client body: decode then encode gives it back, Gemini Schema aside', () => {
    const body = fixture<GeminiGenerateContentRequest>('gemini-request.json');
    const encoded = encode(decode(body));
    const { tools: bodyTools, ...bodyRest } = body;
    const { tools: encodedTools, ...encodedRest } = encoded;
    expect(encodedRest).toEqual(bodyRest);
    expect(encodedTools?.[1]).toEqual(bodyTools?.[1]);
    const [weather, flights] = encodedTools?.[0]?.functionDeclarations ?? [];
    expect(weather).toEqual(bodyTools?.[0]?.functionDeclarations?.[0]);
    expect(flights?.parametersJsonSchema).toMatchObject({
      type: 'object',
      properties: { cabins: { type: 'array', items: { type: 'string' } } },
    });
  });

  it('puts thought signatures back on the parts that carried them, byte for byte', () => {
    const body = fixture<GeminiGenerateContentRequest>('gemini-request.json');
    const signed = (request: GeminiGenerateContentRequest): unknown[] =>
      request.contents.flatMap((content, turn) =>
        content.parts.flatMap((part, index) =>
          part.thoughtSignature === undefined ? [] : [[turn, index, part.thoughtSignature]],
        ),
      );
    expect(signed(encode(decode(body)))).toEqual(signed(body));
    expect(signed(body)).toHaveLength(2);
  });

  it('leaves the model and stream out of the body: both live in the URL', () => {
    const streaming = encode(minimalCanonical({ stream: true, streamUsage: false }));
    expect(streaming).toEqual(encode(minimalCanonical()));
    expect(streaming).toEqual({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] });
  });

  it('encodes the chat golden (another format) into the Gemini golden', () => {
    expect(encode(chatFixture<CanonicalRequest>('chat-request.canonical.json'))).toStrictEqual(
      fixture('gemini-request.from-chat.json'),
    );
  });

  it('names function responses after the function, found from the matching call, never the call id', () => {
    const encoded = encode(chatFixture<CanonicalRequest>('chat-request.canonical.json'));
    const names = encoded.contents.flatMap((content) =>
      content.parts.flatMap((part) => (part.functionResponse ? [part.functionResponse.name] : [])),
    );
    expect(names).toEqual(['get_weather', 'get_weather']);
  });

  it('takes image MIME types from the base64 source or data URL, and guesses URL ones from the extension', () => {
    const encoded = encode(
      minimalCanonical({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image', source: { kind: 'base64', mediaType: 'image/webp', data: 'UklGR' } },
              { type: 'image', source: { kind: 'url', url: 'data:image/gif;base64,R0lGOD' } },
              { type: 'image', source: { kind: 'url', url: 'https://cdn.example.com/a/cat.PNG?size=2' } },
              { type: 'image', source: { kind: 'url', url: 'https://cdn.example.com/render' } },
              {
                type: 'document',
                source: { kind: 'file', fileId: 'https://generativelanguage.googleapis.com/v1beta/files/abc' },
              },
              { type: 'audio', source: { kind: 'base64', mediaType: 'audio/wav', data: 'UklGR' } },
            ],
          },
        ],
      }),
    );
    expect(encoded.contents[0]?.parts).toEqual([
      { inlineData: { mimeType: 'image/webp', data: 'UklGR' } },
      { inlineData: { mimeType: 'image/gif', data: 'R0lGOD' } },
      { fileData: { mimeType: 'image/png', fileUri: 'https://cdn.example.com/a/cat.PNG?size=2' } },
      { fileData: { fileUri: 'https://cdn.example.com/render' } },
      { fileData: { fileUri: 'https://generativelanguage.googleapis.com/v1beta/files/abc' } },
      { inlineData: { mimeType: 'audio/wav', data: 'UklGR' } },
    ]);
  });

  it('sends tool results as {result}, a JSON object as itself, errors as {error}, and media after the responses', () => {
    const result = (text: string, extra: Partial<Extract<ContentPart, { type: 'tool_result' }>> = {}): ContentPart => ({
      type: 'tool_result',
      toolCallId: 'c',
      name: 'f',
      content: [{ type: 'text', text }],
      ...extra,
    });
    const encoded = encode(
      minimalCanonical({
        messages: [
          {
            role: 'user',
            content: [
              result('18 degrees'),
              result('{"temp":18}'),
              result('boom', { isError: true }),
              result('{"code":5}', { isError: true }),
              result('[1,2]', {
                content: [
                  { type: 'text', text: '[1,2]' },
                  { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'AAAA' } },
                ],
              }),
            ],
          },
        ],
      }),
    );
    expect(encoded.contents[0]?.parts).toEqual([
      { functionResponse: { name: 'f', response: { result: '18 degrees' } } },
      { functionResponse: { name: 'f', response: { temp: 18 } } },
      { functionResponse: { name: 'f', response: { error: 'boom' } } },
      { functionResponse: { name: 'f', response: { error: { code: 5 } } } },
      { functionResponse: { name: 'f', response: { result: '[1,2]' } } },
      { inlineData: { mimeType: 'image/png', data: 'AAAA' } },
    ]);
    // Read back, each gives the same text and error flag; the image comes back beside the results.
    const decoded = decode(encoded).messages[0]?.content ?? [];
    expect(decoded.at(-1)).toEqual({ type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'AAAA' } });
    expect(decoded.flatMap((part) => (part.type === 'tool_result' ? [[part.content[0], part.isError]] : []))).toEqual([
      [{ type: 'text', text: '18 degrees' }, undefined],
      [{ type: 'text', text: '{"temp":18}' }, undefined],
      [{ type: 'text', text: 'boom' }, true],
      [{ type: 'text', text: '{"code":5}' }, true],
      [{ type: 'text', text: '[1,2]' }, undefined],
    ]);
  });

  it('signs the first call of an unsigned model turn (history from another model), and only that', () => {
    const call = (id: string): ContentPart => ({ type: 'tool_call', id, name: 'f', arguments: 'not json' });
    const encoded = encode(
      minimalCanonical({
        messages: [
          { role: 'assistant', content: [{ type: 'text', text: 'calling' }, call('a'), call('b')] },
          { role: 'assistant', content: [{ type: 'thinking', text: '', signature: 'REAL' }, call('c')] },
          { role: 'assistant', content: [{ type: 'text', text: 'no calls' }] },
        ],
      }),
    );
    expect(encoded.contents.map((content) => content.parts)).toEqual([
      [
        { text: 'calling' },
        { functionCall: { name: 'f', args: {} }, thoughtSignature: FOREIGN_CALL_SIGNATURE },
        { functionCall: { name: 'f', args: {} } },
      ],
      [{ functionCall: { name: 'f', args: {} }, thoughtSignature: 'REAL' }],
      [{ text: 'no calls' }],
    ]);
  });

  it("moves a signature that came back on the thought part onto the step's first call (a round trip through Responses)", () => {
    const encoded = encode(
      minimalCanonical({
        messages: [
          {
            role: 'assistant',
            content: [
              { type: 'thinking', text: 'look it up', signature: 'SIG' },
              { type: 'tool_call', id: 'a', name: 'f', arguments: '{}' },
            ],
          },
        ],
      }),
    );
    expect(encoded.contents[0]?.parts).toEqual([
      { text: 'look it up', thought: true },
      { functionCall: { name: 'f', args: {} }, thoughtSignature: 'SIG' },
    ]);
  });

  it('reads the stand-in signatures Gemini clients replay as no signature at all', () => {
    const decoded = decode({
      contents: [
        { role: 'user', parts: [{ text: 'weather?' }] },
        {
          role: 'model',
          parts: [{ functionCall: { name: 'f', args: {} }, thoughtSignature: FOREIGN_CALL_SIGNATURE }],
        },
        {
          role: 'model',
          parts: [{ text: 'plan', thought: true, thoughtSignature: 'context_engineering_is_the_way_to_go' }],
        },
      ],
    });
    const parts = decoded.messages.flatMap((message) => message.content);
    expect(parts.filter((part) => part.type === 'thinking')).toEqual([{ type: 'thinking', text: 'plan' }]);
  });

  it('keeps a signed thought on its thought part, drops redacted thinking, and leaves a trailing signature on an empty text part', () => {
    const encoded = encode(
      minimalCanonical({
        messages: [
          {
            role: 'assistant',
            content: [
              { type: 'thinking', text: 'hmm', signature: 'SIG-A' },
              { type: 'redacted_thinking', data: 'opaque' },
              { type: 'text', text: 'Done.' },
              { type: 'thinking', text: '', signature: 'SIG-B' },
            ],
          },
        ],
      }),
    );
    expect(encoded.contents[0]).toEqual({
      role: 'model',
      parts: [
        { text: 'hmm', thought: true, thoughtSignature: 'SIG-A' },
        { text: 'Done.' },
        { text: '', thoughtSignature: 'SIG-B' },
      ],
    });
    expect(decode(encoded).messages[0]?.content).toEqual([
      { type: 'thinking', text: 'hmm', signature: 'SIG-A' },
      { type: 'text', text: 'Done.' },
      { type: 'thinking', text: '', signature: 'SIG-B' },
    ]);
  });

  it('sends an instruction that came mid-conversation as user text, in place', () => {
    const encoded = encode(
      minimalCanonical({
        instructions: [{ role: 'developer', text: 'rules' }],
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'a' }] },
          { role: 'system', content: [{ type: 'text', text: 'later rule' }] },
        ],
      }),
    );
    expect(encoded.systemInstruction).toEqual({ parts: [{ text: 'rules' }] });
    expect(encoded.contents[1]).toEqual({ role: 'user', parts: [{ text: 'later rule' }] });
  });

  it.each([
    [{ type: 'auto' }, { mode: 'AUTO' }],
    [{ type: 'none' }, { mode: 'NONE' }],
    [{ type: 'required' }, { mode: 'ANY' }],
    [
      { type: 'tool', name: 'get_weather' },
      { mode: 'ANY', allowedFunctionNames: ['get_weather'] },
    ],
  ] as const)('encodes tool choice %j as %j', (toolChoice, functionCallingConfig) => {
    expect(encode(minimalCanonical({ toolChoice })).toolConfig).toEqual({ functionCallingConfig });
  });

  it.each([
    [{ type: 'text' }, { responseMimeType: 'text/plain' }],
    [{ type: 'json_object' }, { responseMimeType: 'application/json' }],
    [
      { type: 'json_schema', name: 'list', schema: { type: 'object' }, strict: true },
      { responseMimeType: 'application/json', responseJsonSchema: { type: 'object' } },
    ],
  ] as const)('encodes response format %j', (responseFormat, generationConfig) => {
    expect(encode(minimalCanonical({ responseFormat })).generationConfig).toEqual(generationConfig);
  });

  describe('reasoning to thinkingConfig', () => {
    const thinkingFor = (reasoning: ReasoningConfig): unknown =>
      encode(minimalCanonical({ reasoning })).generationConfig?.thinkingConfig;

    it.each([
      ['minimal', { thinkingLevel: 'MINIMAL' }],
      ['low', { thinkingLevel: 'LOW' }],
      ['medium', { thinkingLevel: 'MEDIUM' }],
      ['high', { thinkingLevel: 'HIGH' }],
      ['xhigh', { thinkingLevel: 'HIGH' }],
      ['none', { thinkingBudget: 0 }],
    ] as const)('effort %s → %j', (effort, config) => {
      expect(thinkingFor({ effort })).toEqual(config);
    });

    it('sends a budget as thinkingBudget, and prefers it over an effort (Gemini takes one)', () => {
      expect(thinkingFor({ budgetTokens: 12000, includeThoughts: true })).toEqual({
        thinkingBudget: 12000,
        includeThoughts: true,
      });
      expect(thinkingFor({ effort: 'low', budgetTokens: 2048 })).toEqual({ thinkingBudget: 2048 });
    });

    it('leaves thinkingConfig out when there is nothing to say', () => {
      expect(encode(minimalCanonical({ reasoning: {} }))).not.toHaveProperty('generationConfig');
    });
  });

  it('restores gemini extensions but never lets them override the mapped fields, and ignores other formats', () => {
    const body = encode(
      minimalCanonical({
        sampling: { temperature: 0.5 },
        extensions: {
          gemini: {
            cachedContent: 'cachedContents/x',
            contents: 'sneaky',
            generationConfig: { temperature: 2, responseLogprobs: true },
          },
          chat: { logit_bias: {} },
        },
      }),
    );
    expect(body).toEqual({
      cachedContent: 'cachedContents/x',
      contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
      generationConfig: { temperature: 0.5, responseLogprobs: true },
    });
  });
});
