import { ErrorCode, GatewayException, type CanonicalRequest } from '@plexus/core';
import type { RouteTarget } from '@plexus/routing';
import { estimateInputTokens, type TokenizerEncoding } from '../pipeline/token-estimator';

/** Output reserved when the request names no maximum (as the reference gateway). */
const DEFAULT_RESERVED_OUTPUT = 4096;
/** A count made with another family's tokenizer is an estimate: this margin keeps it on the safe side. */
const FOREIGN_TOKENIZER_MARGIN = 1.1;

/** The tokenizer of an OpenAI model family, or null for models whose tokenizer we don't ship. */
export function tokenizerOf(model: string): TokenizerEncoding | null {
  const name = model.toLowerCase().split('/').at(-1) ?? '';
  if (/^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|o\d|chatgpt|gpt-oss|codex)/.test(name)) return 'o200k_base';
  if (/^(gpt-4|gpt-3\.5|text-embedding)/.test(name)) return 'cl100k_base';
  return null;
}

/** Input tokens of a request for a target: its family's tokenizer where we have it, else an o200k count plus a margin. */
export async function countInputTokens(request: CanonicalRequest, target: RouteTarget): Promise<number> {
  const encoding = tokenizerOf(target.model);
  const count = await estimateInputTokens(request, encoding ?? 'o200k_base');
  return encoding ? count : Math.ceil(count * FOREIGN_TOKENIZER_MARGIN);
}

/** Output tokens to keep free in the window: the smaller of the request's maximum (else 4096) and the model's limit. */
export function reservedOutputTokens(request: CanonicalRequest, modelOutputLimit: number | null): number {
  const asked = request.sampling.maxOutputTokens ?? DEFAULT_RESERVED_OUTPUT;
  return modelOutputLimit === null ? asked : Math.min(asked, modelOutputLimit);
}

/** The gateway's own context check refused a target: failover passes over it as `context_window`. */
export class ContextWindowExceededError extends GatewayException {
  constructor(params: { target: RouteTarget; inputTokens: number; reservedOutput: number; window: number }) {
    super(ErrorCode.CONTEXT_LENGTH_EXCEEDED, {
      message:
        `This request needs about ${params.inputTokens} input tokens plus ${params.reservedOutput} reserved for ` +
        `output, more than the ${params.window}-token context window of ${params.target.provider}/${params.target.model}`,
      param: 'messages',
    });
  }

  /** How the attempt history names the skip. */
  get skipReason(): string {
    return `context_window: ${this.message}`;
  }
}
