/** Tokens an upstream reported in a raw answer, in whichever native format it speaks. */
export interface RawUsage {
  model: string | null;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
}

/** How much of an answer is kept for reading its usage; the relay itself is never held back. */
const MAX_OBSERVED_BYTES = 4 * 1024 * 1024;

/** Paths whose answers are LLM responses worth reading (as the reference: chat, completions, messages, responses, Gemini). */
const RECOGNIZED = /\/(chat\/completions|completions|messages|responses)(\?|$)|:(stream)?generateContent(\?|$)/i;

export function isRecognizedRawPath(path: string): boolean {
  return RECOGNIZED.test(path);
}

/**
 * Watches the bytes relayed to the client (a copy, within a cap) and reads the usage of a
 * JSON answer or of an SSE stream's events: OpenAI chat/completions (`usage.prompt_tokens`),
 * Responses (`response.usage`), Anthropic (`message.usage` then `usage` deltas) and Gemini
 * (`usageMetadata`). Anything it can't read leaves zeros.
 */
export class RawUsageObserver {
  private readonly chunks: Buffer[] = [];
  private size = 0;

  push(chunk: Buffer): void {
    if (this.size >= MAX_OBSERVED_BYTES) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  usage(contentType: string): RawUsage {
    const usage: RawUsage = { model: null, inputTokens: 0, outputTokens: 0, cachedTokens: 0, reasoningTokens: 0 };
    const text = Buffer.concat(this.chunks).toString('utf8');
    const documents = /event-stream/i.test(contentType)
      ? text.split(/\r?\n/).flatMap((line) => (line.startsWith('data:') ? [line.slice(5).trim()] : []))
      : [text];
    for (const document of documents) {
      const parsed = parse(document);
      if (parsed) absorb(usage, parsed);
    }
    return usage;
  }
}

type Json = Record<string, unknown>;

function parse(text: string): Json | null {
  if (!text.startsWith('{')) return null;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : null;
  } catch {
    return null;
  }
}

function record(value: unknown): Json | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : null;
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** Later events win: streams report running or final totals. */
function absorb(usage: RawUsage, event: Json): void {
  const response = record(event['response']) ?? record(event['message']) ?? event;
  const model = response['model'] ?? event['model'] ?? event['modelVersion'];
  if (typeof model === 'string' && model !== '') usage.model = model;
  const reported = record(response['usage']) ?? record(event['usage']);
  if (reported) {
    const input = count(reported['prompt_tokens']) ?? count(reported['input_tokens']);
    const output = count(reported['completion_tokens']) ?? count(reported['output_tokens']);
    const details = record(reported['prompt_tokens_details']) ?? record(reported['input_tokens_details']);
    const cached = count(details?.['cached_tokens']) ?? count(reported['cache_read_input_tokens']);
    const reasoning = count(
      (record(reported['completion_tokens_details']) ?? record(reported['output_tokens_details']))?.[
        'reasoning_tokens'
      ],
    );
    if (input !== undefined && input > 0) usage.inputTokens = input;
    if (output !== undefined) usage.outputTokens = output;
    if (cached !== undefined) usage.cachedTokens = cached;
    if (reasoning !== undefined) usage.reasoningTokens = reasoning;
  }
  const gemini = record(event['usageMetadata']);
  if (gemini) {
    usage.inputTokens = count(gemini['promptTokenCount']) ?? usage.inputTokens;
    usage.outputTokens = count(gemini['candidatesTokenCount']) ?? usage.outputTokens;
    usage.cachedTokens = count(gemini['cachedContentTokenCount']) ?? usage.cachedTokens;
    usage.reasoningTokens = count(gemini['thoughtsTokenCount']) ?? usage.reasoningTokens;
  }
}
