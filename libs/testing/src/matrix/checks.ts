import { isDeepStrictEqual } from 'node:util';
import type { ClientFormat } from './client-formats';
import { ANSWER, CONVERSATION, isRecord, type ClientAnswer, type ReceivedConversation } from './conversation';
import type { ProviderFormat } from './provider-formats';

/**
 * The matrix's assertions, as lists of what was lost: every case reports everything it
 * dropped at once (`expect(problems).toEqual([])`), not only the first thing.
 */

function show(value: unknown): string {
  return value === undefined ? 'undefined' : JSON.stringify(value);
}

function same(problems: string[], what: string, actual: unknown, expected: unknown): void {
  if (!isDeepStrictEqual(actual, expected)) problems.push(`${what}: expected ${show(expected)}, got ${show(actual)}`);
}

/** The fields of `expected` that `actual` lacks or holds differently (toMatchObject's rule). */
export function subsetMismatches(actual: unknown, expected: unknown, path: string): string[] {
  if (!isRecord(expected))
    return isDeepStrictEqual(actual, expected) ? [] : [`${path}: expected ${show(expected)}, got ${show(actual)}`];
  if (!isRecord(actual)) return [`${path}: expected an object like ${show(expected)}, got ${show(actual)}`];
  return Object.entries(expected).flatMap(([key, value]) => subsetMismatches(actual[key], value, `${path}.${key}`));
}

/** What the upstream must have received of the standard conversation, in its own format. */
export function requestProblems(received: ReceivedConversation, provider: ProviderFormat, stream: boolean): string[] {
  const problems: string[] = [];
  same(problems, 'model', received.model, provider.model);
  same(problems, 'upstream asked to stream', received.streaming, stream);
  if (stream) same(problems, 'upstream stream asked to report usage', received.streamUsage, true);
  if (!received.system.includes(CONVERSATION.system))
    problems.push(`system instruction missing: got ${show(received.system)}`);
  if (!received.userTexts.some((text) => text.includes(CONVERSATION.userText)))
    problems.push(`user text missing: got ${show(received.userTexts)}`);
  if (!received.userTexts.some((text) => text.includes(CONVERSATION.question)))
    problems.push(`follow-up question missing: got ${show(received.userTexts)}`);
  same(problems, 'images (mime type and base64 bytes)', received.images, [
    { mimeType: CONVERSATION.image.mimeType, data: CONVERSATION.image.base64 },
  ]);

  same(
    problems,
    'tool names',
    received.tools.map((tool) => tool.name),
    [CONVERSATION.tool.name],
  );
  same(problems, 'tool description', received.tools[0]?.description, CONVERSATION.tool.description);
  same(problems, 'tool schema', received.tools[0]?.schema, CONVERSATION.tool.schema);

  const call = received.toolCalls[0];
  const result = received.toolResults[0];
  same(problems, 'earlier tool calls', received.toolCalls.length, 1);
  same(problems, 'earlier tool call name', call?.name, CONVERSATION.tool.name);
  same(problems, 'earlier tool call arguments', call?.arguments, CONVERSATION.earlierCall.arguments);
  same(problems, 'tool results', received.toolResults.length, 1);
  same(problems, 'tool result text', result?.text, CONVERSATION.toolResult);
  if (provider.linksResultsBy === 'id') {
    if (!call?.id) problems.push('earlier tool call has no id');
    same(problems, 'tool result linked to its call by id', result?.id, call?.id);
  } else {
    same(problems, 'tool result linked to its call by name', result?.name, call?.name);
  }

  same(problems, 'max output tokens', received.maxTokens, CONVERSATION.maxTokens);
  same(problems, 'temperature', received.temperature, CONVERSATION.temperature);
  return problems;
}

/** What the client must have got of the standard answer, in its own format. */
export function answerProblems(answer: ClientAnswer, client: ClientFormat, provider: ProviderFormat): string[] {
  const problems: string[] = [];
  same(problems, 'in-stream errors', answer.errors, []);
  same(problems, 'completed normally', answer.completed, true);
  same(problems, 'text', answer.text, ANSWER.text);
  same(problems, 'tool calls', answer.toolCalls.length, 1);
  const call = answer.toolCalls[0];
  same(problems, 'tool call name', call?.name, ANSWER.call.name);
  same(problems, 'tool call arguments', call?.arguments, ANSWER.call.arguments);
  if (client.carriesCallIds) {
    // A Gemini upstream sends no call id: the gateway must make one up. Otherwise the upstream's id goes through.
    const expectedId = provider.replies.callId;
    if (expectedId === undefined) {
      if (typeof call?.id !== 'string' || call.id === '')
        problems.push(`tool call id: expected a generated id, got ${show(call?.id)}`);
    } else {
      same(problems, 'tool call id', call?.id, expectedId);
    }
  }
  same(problems, 'finish reason', answer.finish, client.toolFinish);
  problems.push(...subsetMismatches(answer.usage, client.usage, 'usage'));
  return problems;
}

/** A same-format pair takes the pass-through path: the upstream's answer reaches the client verbatim. */
export function passthroughProblems(raw: string, provider: ProviderFormat, stream: boolean): string[] {
  if (!stream)
    return raw === JSON.stringify(provider.replies.body(provider.model))
      ? []
      : ['pass-through: the upstream body was not relayed verbatim'];
  const missing = provider.replies
    .stream(provider.model)
    .map((event) => (typeof event === 'string' ? event : event.data))
    .filter((data) => !raw.includes(`data: ${data}\n`));
  return missing.map((data) => `pass-through: upstream event not relayed verbatim: ${data.slice(0, 120)}`);
}
