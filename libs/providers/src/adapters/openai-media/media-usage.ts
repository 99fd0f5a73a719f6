import { emptyUsage, type Usage } from '@plexus/core';

interface WireUsage {
  prompt_tokens?: unknown;
  input_tokens?: unknown;
  output_tokens?: unknown;
  cost?: unknown;
}

const count = (value: unknown): number =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value) : 0;

/**
 * The usage of a media answer's JSON body: embeddings report `prompt_tokens`; image
 * generation (gpt-image-*), transcriptions billed by tokens and the speech stream's
 * `speech.audio.done` event report `input_tokens`/`output_tokens`. Transcriptions billed by
 * duration (`{type:'duration', seconds}`) carry no tokens. A `cost` (OpenRouter) is the
 * upstream's own price.
 */
export function mediaUsage(body: unknown): Usage {
  const usage = emptyUsage();
  const wire = (body as { usage?: WireUsage } | null)?.usage;
  if (typeof wire !== 'object' || wire === null) return usage;
  usage.inputTokens = count(wire.input_tokens) || count(wire.prompt_tokens);
  usage.outputTokens = count(wire.output_tokens);
  if (typeof wire.cost === 'number' && Number.isFinite(wire.cost)) usage.reportedCostUsd = wire.cost;
  return usage;
}
