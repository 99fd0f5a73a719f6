import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CanonicalMessage, CanonicalRequest, ContentPart } from '@plexus/core';
import { decodeAnthropicRequest } from './anthropic-request.decoder';
import { EFFORT_BUDGETS, encodeAnthropicRequest } from './anthropic-request.encoder';
import type { AnthropicMessagesRequest } from './anthropic.types';

function fixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8')) as T;
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

const WEATHER_TOOL = { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } };

const encode = (request: CanonicalRequest): AnthropicMessagesRequest =>
  encodeAnthropicRequest(request, { model: 'up' });

describe('encodeAnthropicRequest', () => {
  it('encodes the canonical golden into the upstream golden', () => {
    expect(
      encodeAnthropicRequest(fixture('messages-request.canonical.json'), { model: 'claude-sonnet-4-5' }),
    ).toStrictEqual(fixture('messages-request.upstream.json'));
  });

  it('encodes the canonical form of an OpenAI chat request (cross-format golden)', () => {
    expect(
      encodeAnthropicRequest(fixture('from-chat-request.canonical.json'), { model: 'claude-sonnet-4-5' }),
    ).toStrictEqual(fixture('from-chat-request.upstream.json'));
  });

  it('round-trips the canonical golden apart from what Anthropic cannot carry', () => {
    const canonical = fixture<CanonicalRequest>('messages-request.canonical.json');
    const back = decodeAnthropicRequest(encodeAnthropicRequest(canonical, { model: 'smart' }));
    const expected = structuredClone(canonical);
    // Temperature is left at its default while thinking; citations are response metadata Anthropic won't take back.
    delete expected.sampling.temperature;
    const answer = expected.messages[3]?.content[0];
    if (answer?.type === 'text') delete answer.citations;
    expect(back).toStrictEqual(expected);
  });

  it('always sends max_tokens: the client limit, else 4096', () => {
    expect(encode(minimalCanonical()).max_tokens).toBe(4096);
    expect(encode(minimalCanonical({ sampling: { maxOutputTokens: 777 } })).max_tokens).toBe(777);
  });

  it('leaves stream out of a non-streaming request', () => {
    expect(encode(minimalCanonical())).toStrictEqual({
      model: 'up',
      max_tokens: 4096,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(encode(minimalCanonical({ stream: true, streamUsage: false })).stream).toBe(true);
  });

  it('restores messages extensions without letting them override mapped fields, and ignores other formats', () => {
    const body = encode(
      minimalCanonical({
        extensions: {
          messages: { service_tier: 'auto', model: 'sneaky', output_config: { task_budget: 5 } },
          chat: { logit_bias: {} },
        },
        responseFormat: { type: 'json_schema', name: 'n', schema: { type: 'object' } },
      }),
    );
    expect(body).toMatchObject({ service_tier: 'auto', model: 'up' });
    expect(body.output_config).toEqual({ task_budget: 5, format: { type: 'json_schema', schema: { type: 'object' } } });
    expect(body).not.toHaveProperty('logit_bias');
  });

  describe('reasoning to thinking', () => {
    it.each(Object.entries(EFFORT_BUDGETS))('effort %s → budget %i, with room for the answer', (effort, budget) => {
      const body = encode(minimalCanonical({ reasoning: { effort: effort as keyof typeof EFFORT_BUDGETS } }));
      expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: budget });
      expect(body.max_tokens).toBe(budget + 4096);
      expect(body).not.toHaveProperty('output_config');
    });

    it('sends effort beside a budget when the client gave both', () => {
      const body = encode(minimalCanonical({ reasoning: { effort: 'high', budgetTokens: 3000 } }));
      expect(body).toMatchObject({
        thinking: { type: 'enabled', budget_tokens: 3000 },
        output_config: { effort: 'high' },
      });
    });

    it('shrinks the budget under a client limit, and drops thinking when even the minimum will not fit', () => {
      expect(
        encode(minimalCanonical({ sampling: { maxOutputTokens: 2048 }, reasoning: { effort: 'high' } })),
      ).toMatchObject({
        max_tokens: 2048,
        thinking: { type: 'enabled', budget_tokens: 2047 },
      });
      const tight = encode(minimalCanonical({ sampling: { maxOutputTokens: 1024 }, reasoning: { effort: 'low' } }));
      expect(tight.max_tokens).toBe(1024);
      expect(tight).not.toHaveProperty('thinking');
    });

    it('raises a budget below the minimum to 1024', () => {
      expect(encode(minimalCanonical({ reasoning: { budgetTokens: 512 } })).thinking).toEqual({
        type: 'enabled',
        budget_tokens: 1024,
      });
    });

    it.each([[{ effort: 'none' as const }], [{ budgetTokens: 0 }]])(
      'turns thinking off for %j and keeps sampling',
      (reasoning) => {
        const body = encode(minimalCanonical({ reasoning, sampling: { temperature: 0.2, topK: 5 } }));
        expect(body).toMatchObject({ thinking: { type: 'disabled' }, temperature: 0.2, top_k: 5 });
      },
    );

    it('leaves temperature and top_k at their defaults while thinking, and a top_p below 0.95 too', () => {
      const body = encode(
        minimalCanonical({ reasoning: { effort: 'low' }, sampling: { temperature: 0.2, topK: 5, topP: 0.9 } }),
      );
      expect(body).not.toHaveProperty('temperature');
      expect(body).not.toHaveProperty('top_k');
      expect(body).not.toHaveProperty('top_p');
      expect(encode(minimalCanonical({ reasoning: { effort: 'low' }, sampling: { topP: 0.97 } })).top_p).toBe(0.97);
    });

    it('hides thoughts when the client asked not to see them', () => {
      expect(encode(minimalCanonical({ reasoning: { budgetTokens: 2000, includeThoughts: false } })).thinking).toEqual({
        type: 'enabled',
        budget_tokens: 2000,
        display: 'omitted',
      });
      expect(encode(minimalCanonical({ reasoning: { includeThoughts: true } }))).not.toHaveProperty('thinking');
    });

    it('restores adaptive thinking with its effort', () => {
      const body = encode(
        minimalCanonical({
          reasoning: { effort: 'minimal', includeThoughts: true },
          extensions: { messages: { thinking: { type: 'adaptive' } } },
        }),
      );
      expect(body).toMatchObject({
        thinking: { type: 'adaptive' },
        output_config: { effort: 'low' },
        max_tokens: 4096,
      });
    });

    it('leaves thinking off when a tool is forced', () => {
      const body = encode(
        minimalCanonical({ reasoning: { effort: 'high' }, tools: [WEATHER_TOOL], toolChoice: { type: 'required' } }),
      );
      expect(body.tool_choice).toEqual({ type: 'any' });
      expect(body).not.toHaveProperty('thinking');
    });

    const toolTurn = (assistant: ContentPart[]): CanonicalMessage[] => [
      { role: 'user', content: [{ type: 'text', text: 'weather?' }] },
      { role: 'assistant', content: assistant },
      { role: 'user', content: [{ type: 'tool_result', toolCallId: 'c1', content: [{ type: 'text', text: '18' }] }] },
    ];
    const call: ContentPart = { type: 'tool_call', id: 'c1', name: 'get_weather', arguments: '{}' };

    it('leaves thinking off when resuming a tool turn that did not think (history from another format)', () => {
      const messages = toolTurn([{ type: 'thinking', text: 'unsigned' }, call]);
      expect(
        encode(minimalCanonical({ messages, tools: [WEATHER_TOOL], reasoning: { effort: 'low' } })),
      ).not.toHaveProperty('thinking');
    });

    it('keeps thinking when the tool turn being resumed starts with a signed thinking block', () => {
      const messages = toolTurn([{ type: 'thinking', text: 'signed', signature: 'sig' }, call]);
      expect(
        encode(minimalCanonical({ messages, tools: [WEATHER_TOOL], reasoning: { effort: 'low' } })).thinking,
      ).toEqual({
        type: 'enabled',
        budget_tokens: 1024,
      });
    });
  });

  describe('messages', () => {
    it('sends a mid-conversation system turn as user text, merged with the turns around it', () => {
      const body = encode(
        minimalCanonical({
          messages: [
            { role: 'user', content: [{ type: 'text', text: 'a' }] },
            { role: 'system', content: [{ type: 'text', text: 'later rule' }] },
            { role: 'user', content: [{ type: 'text', text: 'b' }] },
          ],
        }),
      );
      expect(body.messages).toEqual([
        {
          role: 'user',
          content: [
            { type: 'text', text: 'a' },
            { type: 'text', text: 'later rule' },
            { type: 'text', text: 'b' },
          ],
        },
      ]);
    });

    it('merges same-role turns and puts tool results first in a user turn', () => {
      const body = encode(
        minimalCanonical({
          tools: [WEATHER_TOOL],
          messages: [
            { role: 'user', content: [{ type: 'text', text: 'q' }] },
            {
              role: 'assistant',
              content: [{ type: 'tool_call', id: 'c1', name: 'get_weather', arguments: '{"city":"Paris"}' }],
            },
            { role: 'user', content: [{ type: 'text', text: 'and hurry' }] },
            {
              role: 'user',
              content: [{ type: 'tool_result', toolCallId: 'c1', content: [{ type: 'text', text: '18' }] }],
            },
          ],
        }),
      );
      expect(body.messages[2]).toEqual({
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'c1', content: '18' },
          { type: 'text', text: 'and hurry' },
        ],
      });
    });

    it('drops what Anthropic cannot carry: audio, empty text, unsigned thinking; and skips turns left empty', () => {
      const body = encode(
        minimalCanonical({
          messages: [
            {
              role: 'user',
              content: [
                { type: 'text', text: 'q' },
                { type: 'audio', source: { kind: 'base64', mediaType: 'audio/wav', data: 'AAA' } },
              ],
            },
            {
              role: 'assistant',
              content: [
                { type: 'thinking', text: 'no signature' },
                { type: 'text', text: '' },
              ],
            },
            { role: 'user', content: [{ type: 'text', text: 'again' }] },
          ],
        }),
      );
      expect(body.messages).toEqual([
        {
          role: 'user',
          content: [
            { type: 'text', text: 'q' },
            { type: 'text', text: 'again' },
          ],
        },
      ]);
    });

    it('sends the bytes of images and documents given as data URLs, and plain text documents as text', () => {
      const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
      const body = encode(
        minimalCanonical({
          messages: [
            {
              role: 'user',
              content: [
                { type: 'image', source: { kind: 'url', url: `data:image/png;base64,${png}` }, detail: 'high' },
                { type: 'document', source: { kind: 'url', url: 'data:text/csv;base64,YSxiCjEsMgo=' } },
                { type: 'document', source: { kind: 'file', fileId: 'file_011' } },
              ],
            },
          ],
        }),
      );
      expect(body.messages[0]?.content).toEqual([
        { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } },
        { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'a,b\n1,2\n' } },
        { type: 'document', source: { type: 'file', file_id: 'file_011' } },
      ]);
    });

    it('sends tool-call arguments as the object they encode, an empty one when they are not JSON', () => {
      const body = encode(
        minimalCanonical({
          messages: [
            { role: 'user', content: [{ type: 'text', text: 'q' }] },
            {
              role: 'assistant',
              content: [
                { type: 'tool_call', id: 'a', name: 'f', arguments: '{"nested":{"x":[1,2]}}' },
                { type: 'tool_call', id: 'b', name: 'f', arguments: '{"cut short' },
              ],
            },
          ],
        }),
      );
      expect(body.messages[1]?.content).toEqual([
        { type: 'tool_use', id: 'a', name: 'f', input: { nested: { x: [1, 2] } } },
        { type: 'tool_use', id: 'b', name: 'f', input: {} },
      ]);
    });

    it('sends an empty error result without content and keeps is_error', () => {
      const body = encode(
        minimalCanonical({
          messages: [{ role: 'user', content: [{ type: 'tool_result', toolCallId: 'c', content: [], isError: true }] }],
        }),
      );
      expect(body.messages[0]?.content).toEqual([{ type: 'tool_result', tool_use_id: 'c', is_error: true }]);
    });
  });

  describe('tools and structured output', () => {
    it('gives a schema without a type the object type Anthropic requires', () => {
      const body = encode(minimalCanonical({ tools: [{ name: 'ping', parameters: {} }] }));
      expect(body.tools).toEqual([{ name: 'ping', input_schema: { type: 'object' } }]);
    });

    it.each<[Partial<CanonicalRequest>, unknown]>([
      [{ toolChoice: { type: 'auto' } }, { type: 'auto' }],
      [{ toolChoice: { type: 'none' }, parallelToolCalls: false }, { type: 'none' }],
      [
        { toolChoice: { type: 'tool', name: 'get_weather' }, parallelToolCalls: false },
        { type: 'tool', name: 'get_weather', disable_parallel_tool_use: true },
      ],
      [{ parallelToolCalls: false }, { type: 'auto', disable_parallel_tool_use: true }],
      [{}, undefined],
    ])('writes %j as tool_choice %j', (overrides, toolChoice) => {
      expect(encode(minimalCanonical({ tools: [WEATHER_TOOL], ...overrides })).tool_choice).toEqual(toolChoice);
    });

    it('sends no tool_choice without tools', () => {
      expect(encode(minimalCanonical({ toolChoice: { type: 'none' } }))).not.toHaveProperty('tool_choice');
    });

    it('has no equivalent for JSON mode without a schema', () => {
      expect(encode(minimalCanonical({ responseFormat: { type: 'json_object' } }))).not.toHaveProperty('output_config');
    });

    it('sends the user as metadata.user_id and drops OpenAI-style metadata, seed, n and penalties', () => {
      const body = encode(
        minimalCanonical({
          user: 'u-1',
          metadata: { trace: 't' },
          sampling: { seed: 1, n: 2, presencePenalty: 0.5, frequencyPenalty: 0.5 },
        }),
      );
      expect(body).toStrictEqual({
        model: 'up',
        max_tokens: 4096,
        messages: [{ role: 'user', content: 'hi' }],
        metadata: { user_id: 'u-1' },
      });
    });
  });
});
