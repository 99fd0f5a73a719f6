/** OpenAI Chat Completions bodies and stream events, as an upstream would send them. */

export function chatCompletionBody(params: {
  model: string;
  content: string;
  promptTokens?: number;
  completionTokens?: number;
}): unknown {
  const prompt = params.promptTokens ?? 12;
  const completion = params.completionTokens ?? 5;
  return {
    id: 'chatcmpl-upstream-1',
    object: 'chat.completion',
    created: 1_764_000_000,
    model: params.model,
    choices: [
      { index: 0, message: { role: 'assistant', content: params.content }, finish_reason: 'stop', logprobs: null },
    ],
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
  };
}

export function chatStreamEvents(params: {
  model: string;
  pieces: string[];
  promptTokens?: number;
  completionTokens?: number;
  cachedTokens?: number;
  reasoningTokens?: number;
}): string[] {
  const base = {
    id: 'chatcmpl-upstream-2',
    object: 'chat.completion.chunk',
    created: 1_764_000_000,
    model: params.model,
  };
  const prompt = params.promptTokens ?? 12;
  const completion = params.completionTokens ?? params.pieces.length;
  return [
    JSON.stringify({
      ...base,
      choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
    }),
    ...params.pieces.map((piece) =>
      JSON.stringify({ ...base, choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] }),
    ),
    JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }),
    JSON.stringify({
      ...base,
      choices: [],
      usage: {
        prompt_tokens: prompt,
        completion_tokens: completion,
        total_tokens: prompt + completion,
        prompt_tokens_details: { cached_tokens: params.cachedTokens ?? 0 },
        completion_tokens_details: { reasoning_tokens: params.reasoningTokens ?? 0 },
      },
    }),
    '[DONE]',
  ];
}
