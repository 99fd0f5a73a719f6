import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, GatewayException, type CanonicalRequest, type ReasoningConfig } from '@plexus/core';
import { assertChatRequest, decodeChatRequest } from './openai-chat-request.decoder';
import { encodeChatRequest } from './openai-chat-request.encoder';
import type { ChatContentPart } from './openai-chat.types';

function fixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8')) as T;
}

const PNG_DATA_URL =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

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

describe('decodeChatRequest (golden fixture)', () => {
  it('decodes the rich chat request into the canonical golden', () => {
    expect(decodeChatRequest(fixture('chat-request.json'))).toStrictEqual(fixture('chat-request.canonical.json'));
  });

  it('does not mutate the body it decodes', () => {
    const body = fixture('chat-request.json');
    const copy = structuredClone(body);
    decodeChatRequest(body);
    expect(body).toEqual(copy);
  });

  it('keeps non-standard fields in extensions.chat, and only those', () => {
    const decoded = decodeChatRequest(fixture('chat-request.json'));
    expect(Object.keys(decoded.extensions)).toEqual(['chat']);
    expect(decoded.extensions.chat).toEqual({ logit_bias: { '50256': -100 }, service_tier: 'flex' });
  });

  it('puts consecutive tool messages into one user turn of tool_result parts', () => {
    const decoded = decodeChatRequest(fixture('chat-request.json'));
    const toolTurn = decoded.messages[2];
    expect(toolTurn?.role).toBe('user');
    expect(toolTurn?.content.map((part) => part.type)).toEqual(['tool_result', 'tool_result']);
  });

  it('keeps a system message that comes after the conversation started in place', () => {
    const decoded = decodeChatRequest({
      model: 'm',
      messages: [
        { role: 'user', content: 'a' },
        { role: 'system', content: 'later rule' },
      ],
    });
    expect(decoded.instructions).toEqual([]);
    expect(decoded.messages[1]).toEqual({ role: 'system', content: [{ type: 'text', text: 'later rule' }] });
  });

  it('falls back to max_tokens, accepts stop as an array and ignores an unknown reasoning_effort', () => {
    const decoded = decodeChatRequest({
      model: 'm',
      messages: [{ role: 'user', content: 'a' }],
      max_tokens: 77,
      stop: ['x', 'y'],
      reasoning_effort: 'maximal',
    });
    expect(decoded.sampling).toEqual({ maxOutputTokens: 77, stop: ['x', 'y'] });
    expect(decoded.reasoning).toBeUndefined();
  });

  it('records streamUsage only for a stream that asked for it', () => {
    const base = { model: 'm', messages: [{ role: 'user', content: 'a' }] };
    expect(decodeChatRequest({ ...base, stream: true }).streamUsage).toBe(false);
    expect(decodeChatRequest({ ...base, stream: false, stream_options: { include_usage: true } }).streamUsage).toBe(
      false,
    );
    expect(decodeChatRequest({ ...base, stream: true, stream_options: { include_usage: true } }).streamUsage).toBe(
      true,
    );
  });
});

describe('encodeChatRequest', () => {
  const canonical = (): CanonicalRequest => fixture<CanonicalRequest>('chat-request.canonical.json');

  it('encodes the canonical golden into the upstream golden', () => {
    expect(encodeChatRequest(canonical(), { model: 'gpt-5-mini' })).toStrictEqual(
      fixture('chat-request.upstream.json'),
    );
  });

  it('replaces the alias with the upstream model and writes max_completion_tokens', () => {
    const body = encodeChatRequest(canonical(), { model: 'gpt-5-mini' });
    expect(body.model).toBe('gpt-5-mini');
    expect(body.max_completion_tokens).toBe(2048);
    expect(body).not.toHaveProperty('max_tokens');
  });

  it('splits tool results back out into tool messages, in order', () => {
    const body = encodeChatRequest(canonical(), { model: 'gpt-5-mini' });
    expect(body.messages.map((message) => message.role)).toEqual([
      'system',
      'developer',
      'user',
      'assistant',
      'tool',
      'tool',
      'assistant',
      'user',
    ]);
    const tools = body.messages.filter((message) => message.role === 'tool');
    expect(tools).toEqual([
      { role: 'tool', tool_call_id: 'call_paris', content: '{"temp":18,"sky":"cloudy"}' },
      { role: 'tool', tool_call_id: 'call_tokyo', content: '{"temp":24,"sky":"clear"}' },
    ]);
  });

  it("never sends top_k translated from another format (OpenAI refuses it); a chat client's own top_k goes back as sent", () => {
    const fromGemini = encodeChatRequest(minimalCanonical({ sampling: { topK: 40, topP: 0.9 } }), { model: 'gpt-4.1' });
    expect(fromGemini).not.toHaveProperty('top_k');
    expect(fromGemini).toMatchObject({ top_p: 0.9 });
    const fromChat = decodeChatRequest({ model: 'alias', messages: [{ role: 'user', content: 'hi' }], top_k: 5 });
    expect(fromChat.sampling.topK).toBe(5);
    expect(encodeChatRequest(fromChat, { model: 'local' })).toMatchObject({ top_k: 5 });
  });

  it('keeps tool-call arguments as the exact text the model produced', () => {
    const body = encodeChatRequest(canonical(), { model: 'gpt-5-mini' });
    const assistant = body.messages[3];
    expect(assistant.content).toBeNull();
    expect(assistant.tool_calls?.map((call) => call.function.arguments)).toEqual([
      '{"city":"Paris","unit":"celsius"}',
      '{"city": "Tokyo", "unit": "celsius"}',
    ]);
  });

  it('preserves a base64 image data URL byte for byte', () => {
    const body = encodeChatRequest(canonical(), { model: 'gpt-5-mini' });
    const parts = body.messages[2]?.content as ChatContentPart[];
    const images = parts.filter((part) => part.type === 'image_url');
    expect(images[0]?.image_url).toEqual({ url: 'https://images.example.com/paris.jpg', detail: 'high' });
    expect(images[1]?.image_url.url).toBe(PNG_DATA_URL);
    expect(Buffer.from(images[1]?.image_url.url ?? '').equals(Buffer.from(PNG_DATA_URL))).toBe(true);
  });

  it('round-trips the fixture: decode then encode gives back the client body, apart from the model', () => {
    const body = fixture<Record<string, unknown>>('chat-request.json');
    const encoded = encodeChatRequest(decodeChatRequest(body), { model: 'gpt-5-mini' });
    expect(encoded.service_tier).toBe(body['service_tier']);
    expect(encoded.logit_bias).toEqual(body['logit_bias']);
    expect(encoded.response_format).toEqual(body['response_format']);
    expect(encoded.tools).toEqual(body['tools']);
    expect(encoded.tool_choice).toEqual(body['tool_choice']);
  });

  it('forces stream_options.include_usage on when streaming, whatever the client asked', () => {
    const body = encodeChatRequest(minimalCanonical({ stream: true, streamUsage: false }), { model: 'up' });
    expect(body.stream).toBe(true);
    expect(body.stream_options).toEqual({ include_usage: true });
  });

  it('leaves stream fields out of a non-streaming request', () => {
    const body = encodeChatRequest(minimalCanonical(), { model: 'up' });
    expect(body).not.toHaveProperty('stream');
    expect(body).not.toHaveProperty('stream_options');
    expect(body).toEqual({ model: 'up', messages: [{ role: 'user', content: 'hi' }] });
  });

  it('restores chat extensions but never lets them override the mapped fields', () => {
    const body = encodeChatRequest(
      minimalCanonical({
        extensions: { chat: { service_tier: 'flex', model: 'sneaky' }, gemini: { safetySettings: [] } },
      }),
      { model: 'up' },
    );
    expect(body.service_tier).toBe('flex');
    expect(body.model).toBe('up');
    expect(body).not.toHaveProperty('safetySettings');
  });

  describe('thinking budget to reasoning_effort', () => {
    const effortFor = (reasoning: ReasoningConfig): unknown =>
      encodeChatRequest(minimalCanonical({ reasoning }), { model: 'up' }).reasoning_effort;

    it.each([
      [0, 'none'],
      [1, 'low'],
      [1024, 'low'],
      [1025, 'medium'],
      [8192, 'medium'],
      [8193, 'high'],
      [32000, 'high'],
    ])('budget %i → %s', (budgetTokens, effort) => {
      expect(effortFor({ budgetTokens })).toBe(effort);
    });

    it('prefers an explicit effort over a budget', () => {
      expect(effortFor({ effort: 'minimal', budgetTokens: 20000 })).toBe('minimal');
    });

    it('omits reasoning_effort when neither effort nor budget is set', () => {
      const body = encodeChatRequest(minimalCanonical({ reasoning: { includeThoughts: true } }), { model: 'up' });
      expect(body).not.toHaveProperty('reasoning_effort');
    });
  });
});

describe('assertChatRequest', () => {
  it('accepts the fixture', () => {
    expect(() => assertChatRequest(fixture('chat-request.json'))).not.toThrow();
  });

  it.each([
    ['a non-object body', [], 'body'],
    ['a null body', null, 'body'],
    ['a missing model', { messages: [{ role: 'user', content: 'a' }] }, 'model'],
    ['an empty model', { model: '', messages: [{ role: 'user', content: 'a' }] }, 'model'],
    ['a non-string model', { model: 42, messages: [{ role: 'user', content: 'a' }] }, 'model'],
    ['missing messages', { model: 'm' }, 'messages'],
    ['empty messages', { model: 'm', messages: [] }, 'messages'],
    ['messages that are not an array', { model: 'm', messages: { role: 'user' } }, 'messages'],
    [
      'a bad role',
      {
        model: 'm',
        messages: [
          { role: 'user', content: 'a' },
          { role: 'robot', content: 'b' },
        ],
      },
      'messages[1].role',
    ],
    ['a missing role', { model: 'm', messages: [{ content: 'a' }] }, 'messages[0].role'],
    ['a null message', { model: 'm', messages: [null] }, 'messages[0].role'],
  ])('rejects %s with INVALID_REQUEST', (_label, body, param) => {
    const error = thrownBy(() => assertChatRequest(body));
    expect(error.code).toBe(ErrorCode.INVALID_REQUEST);
    expect(error.status).toBe(400);
    expect(error.body.param).toBe(param);
  });

  it('is applied by decodeChatRequest', () => {
    const error = thrownBy(() => decodeChatRequest({ model: 'm', messages: [] }));
    expect(error.code).toBe(ErrorCode.INVALID_REQUEST);
    expect(error.body.param).toBe('messages');
  });
});

describe('decodeChatRequest: parts and tools without a canonical meaning', () => {
  it('reads an assistant refusal part as its text', () => {
    const canonical = decodeChatRequest({
      model: 'm',
      messages: [
        { role: 'user', content: 'x' },
        { role: 'assistant', content: [{ type: 'refusal', refusal: 'I cannot help with that.' }] },
      ],
    });
    expect(canonical.messages[1]?.content).toEqual([{ type: 'text', text: 'I cannot help with that.' }]);
  });

  it('answers an unknown content part with INVALID_REQUEST instead of failing later', () => {
    const decode = (): unknown =>
      decodeChatRequest({ model: 'm', messages: [{ role: 'user', content: [{ type: 'hologram' }] }] });
    expect(decode).toThrow(GatewayException);
    expect(decode).toThrow("Unsupported content part type 'hologram'");
  });

  it('keeps only function tools in the canonical request (pass-through relays the others)', () => {
    const canonical = decodeChatRequest({
      model: 'm',
      messages: [{ role: 'user', content: 'x' }],
      tools: [
        { type: 'custom', custom: { name: 'grammar' } },
        { type: 'function', function: { name: 'f', parameters: { type: 'object' } } },
      ],
      tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'auto', tools: [] } },
    });
    expect(canonical.tools.map((tool) => tool.name)).toEqual(['f']);
    expect(canonical.toolChoice).toBeUndefined();
  });
});
