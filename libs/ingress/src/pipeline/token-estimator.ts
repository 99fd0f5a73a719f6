import type { CanonicalRequest, ContentPart } from '@plexus/core';
import { Tiktoken } from 'js-tiktoken/lite';

/** A flat per-image figure: providers size images differently, and none tells us how. */
const IMAGE_TOKENS = 765;
const PER_MESSAGE_OVERHEAD = 4;

/** The tokenizers we ship: o200k (GPT-4o and later) and cl100k (GPT-4, GPT-3.5). */
export type TokenizerEncoding = 'o200k_base' | 'cl100k_base';

const encoders = new Map<TokenizerEncoding, Promise<Tiktoken>>();

/** A rank table is ~12 MiB in memory: loaded on the first count, not at boot. */
function loadEncoder(encoding: TokenizerEncoding): Promise<Tiktoken> {
  let encoder = encoders.get(encoding);
  if (!encoder) {
    encoder =
      encoding === 'cl100k_base'
        ? import('js-tiktoken/ranks/cl100k_base').then((ranks) => new Tiktoken(ranks.default))
        : import('js-tiktoken/ranks/o200k_base').then((ranks) => new Tiktoken(ranks.default));
    encoders.set(encoding, encoder);
  }
  return encoder;
}

function partTokens(part: ContentPart, tokens: (text: string) => number): number {
  switch (part.type) {
    case 'text':
    case 'thinking':
      return tokens(part.text);
    case 'tool_call':
      return tokens(part.name) + tokens(part.arguments);
    case 'tool_result':
      return part.content.reduce((sum, inner) => sum + partTokens(inner, tokens), 0);
    case 'image':
    case 'document':
    case 'audio':
      return IMAGE_TOKENS;
    case 'redacted_thinking':
      return 0;
  }
}

/**
 * Input tokens of a request, estimated with the o200k tokenizer (or the one given): for
 * count-tokens endpoints whose target can't count for us, and the context checks. An
 * estimate, never billed.
 */
export async function estimateInputTokens(
  request: CanonicalRequest,
  encoding: TokenizerEncoding = 'o200k_base',
): Promise<number> {
  const tiktoken = await loadEncoder(encoding);
  const tokens = (text: string): number => tiktoken.encode(text).length;
  let total = request.instructions.reduce((sum, block) => sum + tokens(block.text), 0);
  for (const message of request.messages) {
    total += PER_MESSAGE_OVERHEAD + message.content.reduce((sum, part) => sum + partTokens(part, tokens), 0);
  }
  for (const tool of request.tools) {
    total += tokens(tool.name) + tokens(tool.description ?? '') + tokens(JSON.stringify(tool.parameters));
  }
  return total;
}
