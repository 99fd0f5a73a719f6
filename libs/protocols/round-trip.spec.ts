import type { CanonicalRequest, ContentPart } from '@plexus/core';
import { decodeAnthropicRequest, encodeAnthropicRequest } from '@plexus/protocols/anthropic';
import { decodeGeminiRequest, encodeGeminiRequest } from '@plexus/protocols/gemini';
import { decodeChatRequest, encodeChatRequest } from '@plexus/protocols/openai-chat';
import { decodeResponsesRequest, encodeResponsesRequest } from '@plexus/protocols/openai-responses';
import fc from 'fast-check';

/** Each wire format's request codec pair: canonical -> wire -> canonical. */
const FORMATS: Array<{ format: string; roundTrip: (request: CanonicalRequest) => CanonicalRequest }> = [
  { format: 'chat', roundTrip: (request) => decodeChatRequest(encodeChatRequest(request, { model: 'm' })) },
  {
    format: 'messages',
    roundTrip: (request) => decodeAnthropicRequest(encodeAnthropicRequest(request, { model: 'm' })),
  },
  {
    format: 'gemini',
    roundTrip: (request) =>
      decodeGeminiRequest(encodeGeminiRequest(request, { model: 'm' }), { model: 'm', stream: request.stream }),
  },
  {
    format: 'responses',
    roundTrip: (request) => decodeResponsesRequest(encodeResponsesRequest(request, { model: 'm' })),
  },
];

const text = fc.string({ minLength: 1, maxLength: 200 }).filter((value) => value.trim().length > 0);
const jsonArguments = fc.dictionary(
  fc.stringMatching(/^[a-z][a-z_]{0,11}$/),
  fc.oneof(fc.string(), fc.integer(), fc.boolean()),
  {
    maxKeys: 4,
  },
);

const conversation = fc.record({
  system: text,
  question: text,
  answer: text,
  toolName: fc.stringMatching(/^[a-z][a-z_]{0,19}$/),
  toolArguments: jsonArguments,
  toolResult: text,
  followUp: text,
  temperature: fc.double({ min: 0, max: 1, noNaN: true }),
  maxOutputTokens: fc.integer({ min: 1, max: 8192 }),
  stream: fc.boolean(),
});

function build(sample: typeof conversation extends fc.Arbitrary<infer T> ? T : never): CanonicalRequest {
  return {
    model: 'm',
    instructions: [{ role: 'system', text: sample.system }],
    messages: [
      { role: 'user', content: [{ type: 'text', text: sample.question }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: sample.answer },
          { type: 'tool_call', id: 'call_1', name: sample.toolName, arguments: JSON.stringify(sample.toolArguments) },
        ],
      },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            toolCallId: 'call_1',
            name: sample.toolName,
            content: [{ type: 'text', text: sample.toolResult }],
          },
          { type: 'text', text: sample.followUp },
        ],
      },
    ],
    tools: [
      {
        name: sample.toolName,
        description: 'a tool',
        parameters: { type: 'object', properties: { q: { type: 'string' } } },
      },
    ],
    sampling: { temperature: sample.temperature, maxOutputTokens: sample.maxOutputTokens },
    stream: sample.stream,
    streamUsage: sample.stream,
    extensions: {},
  };
}

function texts(parts: ContentPart[]): string[] {
  return parts.flatMap((part) => (part.type === 'text' && part.text !== '' ? [part.text] : []));
}

/**
 * Consecutive turns of one role as one: OpenAI formats can't hold tool results and text
 * in one turn, so they come back as two user turns, which means the same.
 */
function turns(request: CanonicalRequest): Array<{ role: string; texts: string[] }> {
  const merged: Array<{ role: string; texts: string[] }> = [];
  for (const message of request.messages) {
    const last = merged.at(-1);
    if (last?.role === message.role) last.texts.push(...texts(message.content));
    else merged.push({ role: message.role, texts: texts(message.content) });
  }
  return merged;
}

/** What every format must carry through encode-then-decode, in comparable form. */
function essentials(request: CanonicalRequest): unknown {
  const calls = request.messages.flatMap((message) => message.content.filter((part) => part.type === 'tool_call'));
  const results = request.messages.flatMap((message) => message.content.filter((part) => part.type === 'tool_result'));
  return {
    instructions: request.instructions.map((block) => block.text).join('\n'),
    conversation: turns(request),
    calls: calls.map((call) => ({ name: call.name, arguments: JSON.parse(call.arguments) as unknown })),
    results: results.map((result) => texts(result.content)),
    tools: request.tools.map((tool) => tool.name),
    temperature: request.sampling.temperature,
    maxOutputTokens: request.sampling.maxOutputTokens,
    stream: request.stream,
  };
}

describe.each(FORMATS)('a canonical request encoded to $format and decoded back', ({ roundTrip }) => {
  it('keeps instructions, turns, tool calls and results, tools and sampling', () => {
    fc.assert(
      fc.property(conversation, (sample) => {
        const request = build(sample);
        expect(essentials(roundTrip(request))).toEqual(essentials(request));
      }),
      { numRuns: 200 },
    );
  });
});
