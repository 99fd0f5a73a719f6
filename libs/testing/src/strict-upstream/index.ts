import { anthropicRules } from './anthropic.rules';
import { geminiRules } from './gemini.rules';
import { openAiChatRules } from './openai-chat.rules';
import { openAiResponsesRules } from './openai-responses.rules';
import { isRecord, type IssuedSignatures, type Refusal, type RequestRules } from './refusal';

export type { Refusal } from './refusal';

const SIGNATURE_FIELDS = new Set(['signature', 'thoughtSignature', 'thought_signature', 'encrypted_content']);

function rulesFor(path: string): RequestRules | undefined {
  const route = path.split('?')[0] ?? path;
  if (route.endsWith('/chat/completions')) return openAiChatRules;
  if (route.endsWith('/responses')) return openAiResponsesRules;
  if (route.endsWith('/messages') || route.endsWith('/messages/count_tokens')) return anthropicRules;
  if (/:(stream)?generateContent$/i.test(route)) return geminiRules;
  return undefined;
}

/**
 * Judges requests the way the provider behind the path would: unknown parameters, parameter
 * combinations a model family refuses, role and tool-call order, and signatures or encrypted
 * reasoning it never issued are refused with the provider's own status and wording.
 */
export class ProviderRules implements IssuedSignatures {
  private readonly issued = new Set<string>();

  has(signature: string): boolean {
    return this.issued.has(signature);
  }

  /** Remembers the signatures a reply hands out (JSON bodies and SSE data alike). */
  issue(reply: unknown): void {
    if (typeof reply === 'string') {
      try {
        this.collect(JSON.parse(reply));
      } catch {
        // not JSON: carries no signature
      }
      return;
    }
    this.collect(reply);
  }

  judge(method: string, path: string, body: unknown): Refusal | undefined {
    const rules = method === 'POST' ? rulesFor(path) : undefined;
    if (rules === undefined || !isRecord(body)) return undefined;
    return rules(body, this, path);
  }

  private collect(value: unknown): void {
    if (Array.isArray(value)) {
      for (const item of value) this.collect(item);
    } else if (isRecord(value)) {
      for (const [key, item] of Object.entries(value)) {
        if (SIGNATURE_FIELDS.has(key) && typeof item === 'string' && item !== '') this.issued.add(item);
        else this.collect(item);
      }
    }
  }
}
