import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, GatewayException, type CanonicalRequest } from '@plexus/core';
import { assertAnthropicRequest, decodeAnthropicRequest } from './anthropic-request.decoder';
import type { AnthropicContentBlock, AnthropicMessagesRequest } from './anthropic.types';

function fixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8')) as T;
}

const decode = (body: Record<string, unknown>): CanonicalRequest =>
  decodeAnthropicRequest({ model: 'm', max_tokens: 100, messages: [{ role: 'user', content: 'a' }], ...body });

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

describe('decodeAnthropicRequest (golden fixture)', () => {
  it('decodes the rich Messages request into the canonical golden', () => {
    expect(decodeAnthropicRequest(fixture('messages-request.json'))).toStrictEqual(
      fixture('messages-request.canonical.json'),
    );
  });

  it('does not mutate the body it decodes', () => {
    const body = fixture('messages-request.json');
    const copy = structuredClone(body);
    decodeAnthropicRequest(body);
    expect(body).toEqual(copy);
  });

  it('keeps unmapped fields and server tools in extensions.messages, and only those', () => {
    const decoded = decodeAnthropicRequest(fixture('messages-request.json'));
    expect(Object.keys(decoded.extensions)).toEqual(['messages']);
    expect(decoded.extensions.messages).toEqual({
      service_tier: 'auto',
      inference_geo: 'us',
      tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 3 }],
    });
    expect(decoded.tools.map((tool) => tool.name)).toEqual(['get_weather']);
  });

  it('names each tool result after the tool_use it answers', () => {
    const decoded = decodeAnthropicRequest(fixture('messages-request.json'));
    const results = decoded.messages[2]?.content ?? [];
    expect(results.map((part) => (part.type === 'tool_result' ? [part.toolCallId, part.name] : null))).toEqual([
      ['toolu_01Paris', 'get_weather'],
      ['toolu_01Tokyo', 'get_weather'],
    ]);
  });

  it('keeps a thinking signature byte for byte and serialises tool input once', () => {
    const body = fixture<AnthropicMessagesRequest>('messages-request.json');
    const thinking = (body.messages[1]?.content as AnthropicContentBlock[])[0];
    const decoded = decodeAnthropicRequest(body).messages[1]?.content[0];
    expect(decoded).toEqual({
      type: 'thinking',
      text: expect.any(String) as string,
      signature: (thinking as { signature: string }).signature,
    });
    const call = decodeAnthropicRequest(body).messages[1]?.content[2];
    expect(call?.type === 'tool_call' && JSON.parse(call.arguments)).toEqual({ city: 'Paris', unit: 'celsius' });
  });

  it('reads a plain-text document as base64 text/plain, bytes intact', () => {
    const part = decodeAnthropicRequest(fixture('messages-request.json')).messages[0]?.content[5];
    expect(
      part?.type === 'document' &&
        part.source.kind === 'base64' &&
        Buffer.from(part.source.data, 'base64').toString('utf8'),
    ).toBe('Pack light. Ünïcode ✓');
  });

  it('records streamUsage exactly when streaming: Anthropic streams always carry usage', () => {
    expect(decode({ stream: true })).toMatchObject({ stream: true, streamUsage: true });
    expect(decode({ stream: false })).toMatchObject({ stream: false, streamUsage: false });
    expect(decode({})).toMatchObject({ stream: false, streamUsage: false });
  });

  it('reads a string system prompt as one instruction and an empty one as none', () => {
    expect(decode({ system: 'Be brief.' }).instructions).toEqual([{ role: 'system', text: 'Be brief.' }]);
    expect(decode({ system: '' }).instructions).toEqual([]);
  });

  it('reads top_k, stop_sequences and a message without max_tokens', () => {
    expect(decode({ top_k: 40, stop_sequences: ['x'] }).sampling).toEqual({
      maxOutputTokens: 100,
      topK: 40,
      stop: ['x'],
    });
    expect(decodeAnthropicRequest({ model: 'm', messages: [{ role: 'user', content: 'a' }] }).sampling).toEqual({});
  });

  it('leaves blocks without a canonical meaning out instead of rejecting them', () => {
    const decoded = decode({
      messages: [
        { role: 'user', content: 'search' },
        {
          role: 'assistant',
          content: [
            { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'q' } },
            { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [] },
            { type: 'text', text: 'Found it.' },
          ],
        },
      ],
    });
    expect(decoded.messages[1]?.content).toEqual([{ type: 'text', text: 'Found it.' }]);
  });

  it('reads a system-role message as a mid-conversation instruction', () => {
    const decoded = decode({
      messages: [
        { role: 'user', content: 'a' },
        { role: 'system', content: 'later rule' },
      ],
    });
    expect(decoded.messages[1]).toEqual({ role: 'system', content: [{ type: 'text', text: 'later rule' }] });
  });

  it.each([
    [{ type: 'auto' }, { type: 'auto' }, undefined],
    [{ type: 'any' }, { type: 'required' }, undefined],
    [{ type: 'none' }, { type: 'none' }, undefined],
    [{ type: 'tool', name: 'f' }, { type: 'tool', name: 'f' }, undefined],
    [{ type: 'any', disable_parallel_tool_use: true }, { type: 'required' }, false],
    [{ type: 'auto', disable_parallel_tool_use: false }, { type: 'auto' }, true],
  ])('reads tool_choice %j as %j (parallel %s)', (choice, toolChoice, parallelToolCalls) => {
    const decoded = decode({ tool_choice: choice });
    expect(decoded.toolChoice).toEqual(toolChoice);
    expect(decoded.parallelToolCalls).toBe(parallelToolCalls);
  });

  describe('reasoning', () => {
    it.each<[string, Record<string, unknown>, unknown]>([
      [
        'a budget',
        { thinking: { type: 'enabled', budget_tokens: 2048 } },
        { budgetTokens: 2048, includeThoughts: true },
      ],
      [
        'omitted thoughts',
        { thinking: { type: 'enabled', budget_tokens: 2048, display: 'omitted' } },
        { budgetTokens: 2048, includeThoughts: false },
      ],
      ['thinking off', { thinking: { type: 'disabled' }, output_config: { effort: 'high' } }, { effort: 'none' }],
      [
        'adaptive with an effort',
        { thinking: { type: 'adaptive' }, output_config: { effort: 'high' } },
        { effort: 'high', includeThoughts: true },
      ],
      [
        "effort 'max' as the highest level",
        { thinking: { type: 'adaptive' }, output_config: { effort: 'max' } },
        { effort: 'xhigh', includeThoughts: true },
      ],
      ['an effort without thinking', { output_config: { effort: 'low' } }, { effort: 'low' }],
      ['nothing', {}, undefined],
    ])('reads %s', (_label, body, reasoning) => {
      expect(decode(body).reasoning).toEqual(reasoning);
    });

    it('keeps adaptive thinking and unknown output_config keys for the Anthropic encoder', () => {
      const decoded = decode({ thinking: { type: 'adaptive' }, output_config: { effort: 'high', task_budget: 5 } });
      expect(decoded.extensions.messages).toEqual({
        thinking: { type: 'adaptive' },
        output_config: { task_budget: 5 },
      });
    });
  });

  it('reads the structured-outputs beta field like output_config.format', () => {
    const schema = { type: 'object', properties: {} };
    expect(decode({ output_format: { type: 'json_schema', schema } }).responseFormat).toEqual({
      type: 'json_schema',
      name: 'response_schema',
      schema,
    });
  });
});

describe('assertAnthropicRequest', () => {
  it('accepts the fixture', () => {
    expect(() => assertAnthropicRequest(fixture('messages-request.json'))).not.toThrow();
  });

  const ok = { model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'a' }] };
  it.each<[string, unknown, string]>([
    ['a non-object body', [], 'body'],
    ['a null body', null, 'body'],
    ['a missing model', { ...ok, model: undefined }, 'model'],
    ['an empty model', { ...ok, model: '' }, 'model'],
    ['a zero max_tokens', { ...ok, max_tokens: 0 }, 'max_tokens'],
    ['a fractional max_tokens', { ...ok, max_tokens: 1.5 }, 'max_tokens'],
    ['missing messages', { ...ok, messages: undefined }, 'messages'],
    ['empty messages', { ...ok, messages: [] }, 'messages'],
    [
      'a bad role',
      {
        ...ok,
        messages: [
          { role: 'user', content: 'a' },
          { role: 'tool', content: 'b' },
        ],
      },
      'messages.1.role',
    ],
    ['a null message', { ...ok, messages: [null] }, 'messages.0'],
    ['numeric content', { ...ok, messages: [{ role: 'user', content: 5 }] }, 'messages.0.content'],
    [
      'a block without type',
      { ...ok, messages: [{ role: 'user', content: [{ text: 'a' }] }] },
      'messages.0.content.0.type',
    ],
    [
      'a text block without text',
      { ...ok, messages: [{ role: 'user', content: [{ type: 'text' }] }] },
      'messages.0.content.0.text',
    ],
    [
      'a tool_use without id',
      { ...ok, messages: [{ role: 'assistant', content: [{ type: 'tool_use', name: 'f', input: {} }] }] },
      'messages.0.content.0.id',
    ],
    [
      'a tool_result without tool_use_id',
      { ...ok, messages: [{ role: 'user', content: [{ type: 'tool_result', content: 'x' }] }] },
      'messages.0.content.0.tool_use_id',
    ],
    [
      'a bad block inside a tool_result',
      {
        ...ok,
        messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: [{ type: 'text' }] }] }],
      },
      'messages.0.content.0.content.0.text',
    ],
    [
      'an image with an unknown source',
      { ...ok, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'ftp', url: 'x' } }] }] },
      'messages.0.content.0.source',
    ],
    ['a system that is not text', { ...ok, system: [{ type: 'image' }] }, 'system.0'],
    ['a numeric system', { ...ok, system: 3 }, 'system'],
    ['tools that are not a list', { ...ok, tools: {} }, 'tools'],
    ['a tool without name', { ...ok, tools: [{ input_schema: { type: 'object' } }] }, 'tools.0.name'],
    ['an unknown tool_choice', { ...ok, tool_choice: { type: 'required' } }, 'tool_choice.type'],
    ['a named tool_choice without name', { ...ok, tool_choice: { type: 'tool' } }, 'tool_choice.name'],
    ['an unknown thinking type', { ...ok, thinking: { type: 'on' } }, 'thinking.type'],
    ['enabled thinking without budget', { ...ok, thinking: { type: 'enabled' } }, 'thinking.budget_tokens'],
    ['stop_sequences that are not strings', { ...ok, stop_sequences: [1] }, 'stop_sequences'],
  ])('rejects %s with INVALID_REQUEST', (_label, body, param) => {
    const error = thrownBy(() => assertAnthropicRequest(body));
    expect(error.code).toBe(ErrorCode.INVALID_REQUEST);
    expect(error.status).toBe(400);
    expect(error.body.param).toBe(param);
    if (param !== 'body') expect(error.message.startsWith(`${param}: `)).toBe(true);
  });

  it('is applied by decodeAnthropicRequest', () => {
    expect(thrownBy(() => decodeAnthropicRequest({ model: 'm', messages: [] })).body.param).toBe('messages');
  });
});
