import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, GatewayException, type CanonicalRequest, type ReasoningConfig } from '@plexus/core';
import { assertResponsesRequest, decodeResponsesRequest } from './openai-responses-request.decoder';
import { encodeResponsesRequest } from './openai-responses-request.encoder';
import type { ResponsesInputItem, ResponsesRequest } from './openai-responses.types';

function fixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8')) as T;
}

/** The chat lib's canonical golden: proves a request decoded from another format encodes here. */
function chatCanonical(): CanonicalRequest {
  return JSON.parse(
    readFileSync(join(__dirname, '../../openai-chat/src/fixtures/chat-request.canonical.json'), 'utf8'),
  ) as CanonicalRequest;
}

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

function thrownBy(fn: () => unknown): GatewayException {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayException);
    return error as GatewayException;
  }
  throw new Error('expected a GatewayException, nothing was thrown');
}

const SIGNATURE = fixture<ResponsesRequest>('responses-request.json').input![2] as { encrypted_content: string };

describe('decodeResponsesRequest (golden fixture)', () => {
  it('decodes the rich Responses request into the canonical golden', () => {
    expect(decodeResponsesRequest(fixture('responses-request.json'))).toStrictEqual(
      fixture('responses-request.canonical.json'),
    );
  });

  it('does not mutate the body it decodes', () => {
    const body = fixture('responses-request.json');
    const copy = structuredClone(body);
    decodeResponsesRequest(body);
    expect(body).toEqual(copy);
  });

  it('keeps what has no canonical meaning in extensions.responses, and only that', () => {
    const decoded = decodeResponsesRequest(fixture('responses-request.json'));
    expect(Object.keys(decoded.extensions)).toEqual(['responses']);
    expect(decoded.extensions.responses).toEqual({
      store: true,
      previous_response_id: 'resp_68c1f09e4a2c8193b7d6e5f4a3b2c1d0',
      include: ['web_search_call.action.sources'],
      truncation: 'auto',
      service_tier: 'flex',
      prompt_cache_key: 'travel-assistant-v3',
      tools: [{ type: 'web_search', search_context_size: 'low' }],
      reasoning: { summary: 'detailed' },
      text: { verbosity: 'low' },
    });
  });

  it('turns a reasoning item into thinking whose signature is the encrypted content, byte for byte', () => {
    const decoded = decodeResponsesRequest(fixture('responses-request.json'));
    const thinking = decoded.messages[1]?.content[0];
    expect(thinking?.type).toBe('thinking');
    const signature = thinking?.type === 'thinking' ? (thinking.signature ?? '') : '';
    expect(Buffer.from(signature).equals(Buffer.from(SIGNATURE.encrypted_content))).toBe(true);
  });

  it('gives tool results the name of the call they answer, in one user turn', () => {
    const decoded = decodeResponsesRequest(fixture('responses-request.json'));
    const toolTurn = decoded.messages[2];
    expect(toolTurn?.role).toBe('user');
    expect(
      toolTurn?.content.map((part) => (part.type === 'tool_result' ? [part.toolCallId, part.name] : part.type)),
    ).toEqual([
      ['call_paris', 'get_weather'],
      ['call_tokyo', 'get_weather'],
    ]);
  });

  it('reads a string input as one user message', () => {
    const decoded = decodeResponsesRequest({ model: 'm', input: 'hello' });
    expect(decoded.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'hello' }] }]);
    expect(decoded.instructions).toEqual([]);
    expect(decoded.extensions).toEqual({});
  });

  it('splits a reasoning item with several summary parts into thinking parts, the signature on the last', () => {
    const decoded = decodeResponsesRequest({
      model: 'm',
      input: [
        {
          type: 'reasoning',
          id: 'rs_1',
          summary: [
            { type: 'summary_text', text: 'a' },
            { type: 'summary_text', text: 'b' },
          ],
          encrypted_content: 'enc',
        },
        { type: 'reasoning', id: 'rs_2', summary: [], encrypted_content: 'enc2' },
        { role: 'user', content: 'next' },
      ],
    });
    expect(decoded.messages[0]?.content).toEqual([
      { type: 'thinking', text: 'a' },
      { type: 'thinking', text: 'b', signature: 'enc' },
      { type: 'thinking', text: '', signature: 'enc2' },
    ]);
  });

  it('records streamUsage exactly when streaming: usage always arrives in response.completed', () => {
    expect(decodeResponsesRequest({ model: 'm', input: 'a', stream: true }).streamUsage).toBe(true);
    expect(decodeResponsesRequest({ model: 'm', input: 'a' }).streamUsage).toBe(false);
  });

  it.each([
    ['auto', { type: 'auto' }],
    ['none', { type: 'none' }],
    ['required', { type: 'required' }],
    [
      { type: 'function', name: 'get_weather' },
      { type: 'tool', name: 'get_weather' },
    ],
  ])('maps tool_choice %j both ways', (wire, canonical) => {
    const decoded = decodeResponsesRequest({ model: 'm', input: 'a', tool_choice: wire });
    expect(decoded.toolChoice).toEqual(canonical);
    expect(encodeResponsesRequest(decoded, { model: 'up' }).tool_choice).toEqual(wire);
  });

  it('keeps a tool_choice canonical has no word for in extensions and restores it', () => {
    const choice = { type: 'allowed_tools', mode: 'auto', tools: [{ type: 'function', name: 'a' }] };
    const decoded = decodeResponsesRequest({ model: 'm', input: 'a', tool_choice: choice });
    expect(decoded.toolChoice).toBeUndefined();
    expect(encodeResponsesRequest(decoded, { model: 'up' }).tool_choice).toEqual(choice);
  });

  it('keeps an effort canonical lacks (max) and other reasoning keys aside, and restores them', () => {
    const decoded = decodeResponsesRequest({
      model: 'm',
      input: 'a',
      reasoning: { effort: 'max', summary: 'auto', context: 'all_turns' },
    });
    expect(decoded.reasoning).toEqual({ includeThoughts: true });
    expect(decoded.extensions.responses).toEqual({ reasoning: { effort: 'max', context: 'all_turns' } });
    expect(encodeResponsesRequest(decoded, { model: 'up' }).reasoning).toEqual({
      effort: 'max',
      context: 'all_turns',
      summary: 'auto',
    });
  });

  it('decodes json_object and text formats', () => {
    expect(
      decodeResponsesRequest({ model: 'm', input: 'a', text: { format: { type: 'json_object' } } }).responseFormat,
    ).toEqual({ type: 'json_object' });
    expect(
      decodeResponsesRequest({ model: 'm', input: 'a', text: { format: { type: 'text' } } }).responseFormat,
    ).toEqual({ type: 'text' });
  });
});

describe('encodeResponsesRequest', () => {
  const canonical = (): CanonicalRequest => fixture<CanonicalRequest>('responses-request.canonical.json');

  it('encodes the canonical golden into the upstream golden', () => {
    expect(encodeResponsesRequest(canonical(), { model: 'gpt-5' })).toStrictEqual(
      fixture('responses-request.upstream.json'),
    );
  });

  it('encodes the chat lib canonical golden: unsigned thinking, stop, seed and n cannot be sent', () => {
    const encoded = encodeResponsesRequest(chatCanonical(), { model: 'gpt-5' });
    expect(encoded).toStrictEqual(fixture('responses-request.from-chat.json'));
    expect((encoded.input as ResponsesInputItem[]).some((item) => item.type === 'reasoning')).toBe(false);
  });

  it('round-trips every canonical field the format carries', () => {
    const original = canonical();
    const decoded = decodeResponsesRequest(encodeResponsesRequest(original, { model: 'gpt-5' }));
    expect({ ...decoded, model: original.model, extensions: original.extensions }).toStrictEqual(original);
    // The history behind previous_response_id is inlined by then; encrypted reasoning is asked for.
    const extensions = structuredClone(original.extensions.responses ?? {});
    delete extensions['previous_response_id'];
    extensions['include'] = ['web_search_call.action.sources', 'reasoning.encrypted_content'];
    expect(decoded.extensions).toStrictEqual({ responses: extensions });
  });

  it('replays thinking signatures byte for byte as encrypted_content, with no item ids', () => {
    const input = encodeResponsesRequest(canonical(), { model: 'gpt-5' }).input as ResponsesInputItem[];
    const reasoning = input.find((item) => item.type === 'reasoning');
    expect(reasoning).toEqual({
      type: 'reasoning',
      summary: [
        { type: 'summary_text', text: '**Planning the lookups**\n\nTwo cities, so two get_weather calls in parallel.' },
      ],
      encrypted_content: SIGNATURE.encrypted_content,
    });
    expect(input.every((item) => !('id' in item))).toBe(true);
  });

  it('keeps tool-call arguments as the exact text the model produced', () => {
    const input = encodeResponsesRequest(canonical(), { model: 'gpt-5' }).input as ResponsesInputItem[];
    const calls = input.filter((item) => item.type === 'function_call');
    expect(calls.map((call) => call.arguments)).toEqual([
      '{"city":"Paris","unit":"celsius"}',
      '{"city": "Tokyo", "unit": "celsius"}',
    ]);
    for (const call of calls) expect(() => JSON.parse(call.arguments) as unknown).not.toThrow();
  });

  it('tells the upstream store:false unless the client asked, and never forwards previous_response_id', () => {
    expect(encodeResponsesRequest(minimalCanonical(), { model: 'up' })).toEqual({
      model: 'up',
      input: [{ type: 'message', role: 'user', content: 'hi' }],
      store: false,
    });
    const body = encodeResponsesRequest(
      minimalCanonical({ extensions: { responses: { store: true, previous_response_id: 'resp_x' } } }),
      { model: 'up' },
    );
    expect(body.store).toBe(true);
    expect(body).not.toHaveProperty('previous_response_id');
  });

  it('asks for encrypted reasoning only when reasoning is on, merged with the client include list', () => {
    const include = (reasoning: ReasoningConfig | undefined, extra?: string[]): unknown =>
      encodeResponsesRequest(
        minimalCanonical({ reasoning, extensions: extra ? { responses: { include: extra } } : {} }),
        { model: 'up' },
      ).include;
    expect(include({ effort: 'low' })).toEqual(['reasoning.encrypted_content']);
    expect(include({ budgetTokens: 4000 })).toEqual(['reasoning.encrypted_content']);
    expect(include({ effort: 'none' })).toBeUndefined();
    expect(include(undefined)).toBeUndefined();
    expect(include({ effort: 'high' }, ['reasoning.encrypted_content', 'file_search_call.results'])).toEqual([
      'reasoning.encrypted_content',
      'file_search_call.results',
    ]);
  });

  it('asks the upstream to stream; usage needs no asking', () => {
    const body = encodeResponsesRequest(minimalCanonical({ stream: true, streamUsage: false }), { model: 'up' });
    expect(body.stream).toBe(true);
    expect(body).not.toHaveProperty('stream_options');
  });

  it('sends strict:false for a tool that did not ask for strictness (omitted means strict in Responses)', () => {
    const body = encodeResponsesRequest(minimalCanonical({ tools: [{ name: 'f', parameters: { type: 'object' } }] }), {
      model: 'up',
    });
    expect(body.tools).toEqual([{ type: 'function', name: 'f', parameters: { type: 'object' }, strict: false }]);
  });

  it('restores responses extensions but never lets them override mapped fields, and ignores other formats', () => {
    const body = encodeResponsesRequest(
      minimalCanonical({
        extensions: { responses: { service_tier: 'flex', model: 'sneaky', input: 'sneaky' }, chat: { logit_bias: {} } },
      }),
      { model: 'up' },
    );
    expect(body.service_tier).toBe('flex');
    expect(body.model).toBe('up');
    expect(body.input).toEqual([{ type: 'message', role: 'user', content: 'hi' }]);
    expect(body).not.toHaveProperty('logit_bias');
  });

  it('encodes media: base64 documents get a filename, URL documents file_url, base64 audio input_audio', () => {
    const body = encodeResponsesRequest(
      minimalCanonical({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'document', source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBE' } },
              { type: 'document', source: { kind: 'url', url: 'https://example.com/a.pdf' }, title: 'a.pdf' },
              { type: 'audio', source: { kind: 'base64', mediaType: 'audio/wav', data: 'UklG' } },
              { type: 'image', source: { kind: 'base64', mediaType: 'image/jpeg', data: '/9j/' }, detail: 'low' },
            ],
          },
        ],
      }),
      { model: 'up' },
    );
    expect(body.input).toEqual([
      {
        type: 'message',
        role: 'user',
        content: [
          { type: 'input_file', filename: 'document.pdf', file_data: 'data:application/pdf;base64,JVBE' },
          { type: 'input_file', file_url: 'https://example.com/a.pdf' },
          { type: 'input_audio', input_audio: { data: 'UklG', format: 'wav' } },
          { type: 'input_image', image_url: 'data:image/jpeg;base64,/9j/', detail: 'low' },
        ],
      },
    ]);
  });

  it('sends error tool results as plain outputs (Responses has no error flag) and drops redacted thinking', () => {
    const body = encodeResponsesRequest(
      minimalCanonical({
        messages: [
          {
            role: 'assistant',
            content: [
              { type: 'redacted_thinking', data: 'opaque' },
              { type: 'tool_call', id: 'toolu_1', name: 'f', arguments: '{}' },
            ],
          },
          {
            role: 'user',
            content: [
              { type: 'tool_result', toolCallId: 'toolu_1', content: [{ type: 'text', text: 'boom' }], isError: true },
              { type: 'text', text: 'why?' },
            ],
          },
        ],
      }),
      { model: 'up' },
    );
    expect(body.input).toEqual([
      { type: 'function_call', call_id: 'toolu_1', name: 'f', arguments: '{}' },
      { type: 'function_call_output', call_id: 'toolu_1', output: 'boom' },
      { type: 'message', role: 'user', content: 'why?' },
    ]);
  });

  it('puts a leading developer instruction in the input, not in instructions', () => {
    const body = encodeResponsesRequest(minimalCanonical({ instructions: [{ role: 'developer', text: 'be terse' }] }), {
      model: 'up',
    });
    expect(body).not.toHaveProperty('instructions');
    expect((body.input as ResponsesInputItem[])[0]).toEqual({
      type: 'message',
      role: 'developer',
      content: 'be terse',
    });
  });

  describe('thinking budget to reasoning.effort', () => {
    const effortFor = (reasoning: ReasoningConfig): unknown =>
      encodeResponsesRequest(minimalCanonical({ reasoning }), { model: 'up' }).reasoning?.effort;

    it.each([
      [0, 'none'],
      [1024, 'low'],
      [1025, 'medium'],
      [8192, 'medium'],
      [8193, 'high'],
    ])('budget %i → %s', (budgetTokens, effort) => {
      expect(effortFor({ budgetTokens })).toBe(effort);
    });

    it('prefers an explicit effort and asks for an auto summary when thoughts are wanted', () => {
      expect(
        encodeResponsesRequest(
          minimalCanonical({ reasoning: { effort: 'xhigh', budgetTokens: 10, includeThoughts: true } }),
          { model: 'up' },
        ).reasoning,
      ).toEqual({
        effort: 'xhigh',
        summary: 'auto',
      });
    });
  });
});

describe('assertResponsesRequest', () => {
  it('accepts the fixture, and a request with only previous_response_id', () => {
    expect(() => assertResponsesRequest(fixture('responses-request.json'))).not.toThrow();
    expect(() => assertResponsesRequest({ model: 'm', previous_response_id: 'resp_1' })).not.toThrow();
  });

  it.each([
    ['a non-object body', [], 'body'],
    ['a missing model', { input: 'a' }, 'model'],
    ['an empty model', { model: '', input: 'a' }, 'model'],
    ['instructions that are not a string', { model: 'm', input: 'a', instructions: ['x'] }, 'instructions'],
    ['a missing input', { model: 'm' }, 'input'],
    ['an input that is neither string nor array', { model: 'm', input: 42 }, 'input'],
    ['a bad role', { model: 'm', input: [{ role: 'robot', content: 'b' }] }, 'input[0].role'],
    ['a message without content', { model: 'm', input: [{ type: 'message', role: 'user' }] }, 'input[0].content'],
    [
      'a function_call without call_id',
      { model: 'm', input: [{ type: 'function_call', name: 'f', arguments: '{}' }] },
      'input[0].call_id',
    ],
    [
      'a function_call without name',
      { model: 'm', input: [{ type: 'function_call', call_id: 'c', arguments: '{}' }] },
      'input[0].name',
    ],
    [
      'a function_call_output without call_id',
      { model: 'm', input: [{ type: 'function_call_output', output: 'x' }] },
      'input[0].call_id',
    ],
    [
      'a function_call_output without output',
      { model: 'm', input: [{ type: 'function_call_output', call_id: 'c' }] },
      'input[0].output',
    ],
    ['an item_reference', { model: 'm', input: [{ type: 'item_reference', id: 'msg_1' }] }, 'input[0].type'],
    ['a null item', { model: 'm', input: [null] }, 'input[0]'],
    ['tools that are not an array', { model: 'm', input: 'a', tools: {} }, 'tools'],
    [
      'a function tool without a name',
      { model: 'm', input: 'a', tools: [{ type: 'function', parameters: {} }] },
      'tools[0].name',
    ],
  ])('rejects %s with INVALID_REQUEST', (_label, body, param) => {
    const error = thrownBy(() => assertResponsesRequest(body));
    expect(error.code).toBe(ErrorCode.INVALID_REQUEST);
    expect(error.status).toBe(400);
    expect(error.body.param).toBe(param);
  });

  it('is applied by decodeResponsesRequest', () => {
    expect(thrownBy(() => decodeResponsesRequest({ model: 'm' })).body.param).toBe('input');
  });
});
