import type { ScriptedEvent } from './scripted-upstream';

/** OpenAI Responses API bodies and stream events, as an upstream would send them. */

function usage(input: number, output: number): Record<string, unknown> {
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: input + output,
  };
}

export function responsesBody(params: {
  model: string;
  text: string;
  inputTokens?: number;
  outputTokens?: number;
}): Record<string, unknown> {
  return {
    id: 'resp_upstream_1',
    object: 'response',
    created_at: 1_764_000_000,
    status: 'completed',
    model: params.model,
    output: [
      {
        type: 'message',
        id: 'msg_upstream_1',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: params.text, annotations: [] }],
      },
    ],
    usage: usage(params.inputTokens ?? 11, params.outputTokens ?? 4),
  };
}

export function responsesStreamEvents(params: {
  model: string;
  pieces: string[];
  inputTokens?: number;
  outputTokens?: number;
}): ScriptedEvent[] {
  const text = params.pieces.join('');
  const base = { id: 'resp_upstream_2', object: 'response', created_at: 1_764_000_000, model: params.model };
  const item = { type: 'message', id: 'msg_upstream_2', role: 'assistant' };
  const events: Array<Record<string, unknown>> = [
    { type: 'response.created', response: { ...base, status: 'in_progress', output: [] } },
    { type: 'response.in_progress', response: { ...base, status: 'in_progress', output: [] } },
    { type: 'response.output_item.added', output_index: 0, item: { ...item, status: 'in_progress', content: [] } },
    {
      type: 'response.content_part.added',
      item_id: item.id,
      output_index: 0,
      content_index: 0,
      part: { type: 'output_text', text: '', annotations: [] },
    },
    ...params.pieces.map((delta) => ({
      type: 'response.output_text.delta',
      item_id: item.id,
      output_index: 0,
      content_index: 0,
      delta,
    })),
    { type: 'response.output_text.done', item_id: item.id, output_index: 0, content_index: 0, text },
    {
      type: 'response.content_part.done',
      item_id: item.id,
      output_index: 0,
      content_index: 0,
      part: { type: 'output_text', text, annotations: [] },
    },
    {
      type: 'response.output_item.done',
      output_index: 0,
      item: { ...item, status: 'completed', content: [{ type: 'output_text', text, annotations: [] }] },
    },
    {
      type: 'response.completed',
      response: {
        ...base,
        status: 'completed',
        output: [{ ...item, status: 'completed', content: [{ type: 'output_text', text, annotations: [] }] }],
        usage: usage(params.inputTokens ?? 11, params.outputTokens ?? params.pieces.length),
      },
    },
  ];
  return events.map((event, index) => ({
    event: event['type'] as string,
    data: JSON.stringify({ ...event, sequence_number: index }),
  }));
}
