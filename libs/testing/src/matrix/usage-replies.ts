import type { ScriptedEvent, ScriptedReply } from '../scripted-upstream';
import type { WireFormat } from './conversation';

/**
 * A usage report with every kind of token (1200 prompt tokens of which 300 read from the
 * cache and 200 written to it, 400 output tokens of which 150 reasoning), in each provider
 * format's own convention, and the canonical usage the gateway must record from it.
 * Gemini has no cache-write count: its 200 are ordinary input there.
 */
const REPORTED: Record<WireFormat, { key: string; usage: Record<string, unknown> }> = {
  chat: {
    key: 'usage',
    usage: {
      prompt_tokens: 1200,
      completion_tokens: 400,
      total_tokens: 1600,
      prompt_tokens_details: { cached_tokens: 300, cache_write_tokens: 200 },
      completion_tokens_details: { reasoning_tokens: 150 },
    },
  },
  responses: {
    key: 'usage',
    usage: {
      input_tokens: 1200,
      input_tokens_details: { cached_tokens: 300, cache_write_tokens: 200 },
      output_tokens: 400,
      output_tokens_details: { reasoning_tokens: 150 },
      total_tokens: 1600,
    },
  },
  messages: {
    key: 'usage',
    usage: {
      input_tokens: 700,
      cache_read_input_tokens: 300,
      cache_creation_input_tokens: 200,
      output_tokens: 400,
      output_tokens_details: { thinking_tokens: 150 },
    },
  },
  gemini: {
    key: 'usageMetadata',
    usage: {
      promptTokenCount: 1200,
      cachedContentTokenCount: 300,
      candidatesTokenCount: 250,
      thoughtsTokenCount: 150,
      totalTokenCount: 1600,
    },
  },
};

export interface RecordedTokens {
  tokensInput: number;
  tokensCached: number;
  tokensCacheWrite: number;
  tokensOutput: number;
  tokensReasoning: number;
}

/** What the usage record must say for a provider format's report (input excludes cached and cache-write tokens). */
export function expectedRichUsage(format: WireFormat): RecordedTokens {
  return format === 'gemini'
    ? { tokensInput: 900, tokensCached: 300, tokensCacheWrite: 0, tokensOutput: 400, tokensReasoning: 150 }
    : { tokensInput: 700, tokensCached: 300, tokensCacheWrite: 200, tokensOutput: 400, tokensReasoning: 150 };
}

function replaceUsage(value: unknown, key: string, usage: Record<string, unknown>): unknown {
  if (Array.isArray(value)) return value.map((item) => replaceUsage(item, key, usage));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([name, child]) => [
      name,
      name === key && typeof child === 'object' && child !== null ? usage : replaceUsage(child, key, usage),
    ]),
  );
}

function replaceInEvent(event: ScriptedEvent, key: string, usage: Record<string, unknown>): ScriptedEvent {
  const data = typeof event === 'string' ? event : event.data;
  if (data === '[DONE]') return event;
  const replaced = JSON.stringify(replaceUsage(JSON.parse(data), key, usage));
  return typeof event === 'string' ? replaced : { ...event, data: replaced };
}

/** The reply with every usage report in it (body, or each stream event carrying one) swapped for the rich one. */
export function withRichUsage(format: WireFormat, reply: ScriptedReply): ScriptedReply {
  const { key, usage } = REPORTED[format];
  if (reply.kind === 'json') return { ...reply, body: replaceUsage(reply.body, key, usage) };
  if (reply.kind === 'sse') return { ...reply, events: reply.events.map((event) => replaceInEvent(event, key, usage)) };
  return reply;
}
