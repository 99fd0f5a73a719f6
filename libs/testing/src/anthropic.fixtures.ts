import type { ScriptedEvent } from './scripted-upstream';

/** Anthropic Messages bodies and stream events, as an upstream would send them. */

export function anthropicBody(params: {
  model: string;
  text: string;
  inputTokens?: number;
  outputTokens?: number;
}): Record<string, unknown> {
  return {
    id: 'msg_upstream_1',
    type: 'message',
    role: 'assistant',
    model: params.model,
    content: [{ type: 'text', text: params.text }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: {
      input_tokens: params.inputTokens ?? 10,
      output_tokens: params.outputTokens ?? 4,
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: 0,
    },
  };
}

export interface AnthropicStreamParams {
  model: string;
  thinking?: { text: string; signature: string };
  pieces: string[];
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
}

export function anthropicStreamEvents(params: AnthropicStreamParams): ScriptedEvent[] {
  const events: Array<Record<string, unknown>> = [
    {
      type: 'message_start',
      message: {
        id: 'msg_upstream_2',
        type: 'message',
        role: 'assistant',
        model: params.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: params.inputTokens ?? 10,
          output_tokens: 1,
          cache_read_input_tokens: params.cacheReadTokens ?? 0,
          cache_creation_input_tokens: 0,
        },
      },
    },
  ];
  let index = 0;
  if (params.thinking) {
    events.push(
      { type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } },
      { type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: params.thinking.text } },
      { type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: params.thinking.signature } },
      { type: 'content_block_stop', index },
    );
    index++;
  }
  events.push({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
  for (const piece of params.pieces)
    events.push({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } });
  events.push(
    { type: 'content_block_stop', index },
    {
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: params.outputTokens ?? params.pieces.length },
    },
    { type: 'message_stop' },
  );
  return events.map((event) => ({ event: event['type'] as string, data: JSON.stringify(event) }));
}
