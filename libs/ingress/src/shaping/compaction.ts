import type { CanonicalMessage, CanonicalRequest, ContentPart, TextPart } from '@plexus/core';
import type { CompactionSettings } from '@plexus/routing';

/** The fields an alias or provider `compaction` object may override (the nested `native` merges field by field). */
function overrides(value: unknown): Partial<CompactionSettings> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {};
}

/** Compaction settings in force for one attempt: the alias's over the provider's over the global ones. */
export function layeredCompaction(global: CompactionSettings, provider: unknown, alias: unknown): CompactionSettings {
  const layers = [overrides(provider), overrides(alias)];
  let merged: CompactionSettings = global;
  for (const layer of layers) {
    merged = {
      ...merged,
      ...layer,
      native: { ...merged.native, ...(layer.native ?? {}) },
    };
  }
  return merged;
}

/** The input-token count above which a request is compacted for a window, or null when there is none to judge by. */
export function compactionThreshold(settings: CompactionSettings, window: number | null): number | null {
  if (settings.absoluteTriggerTokens !== null && settings.absoluteTriggerTokens > 0)
    return settings.absoluteTriggerTokens;
  return window === null ? null : Math.floor(window * settings.triggerRatio);
}

function shortened(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}\n[... ${text.length - max} characters compacted]`;
}

function compactValue(value: unknown, limits: CompactionSettings['native']): unknown {
  if (typeof value === 'string') return shortened(value, limits.maxStringChars);
  if (Array.isArray(value)) {
    const kept = value.slice(0, limits.maxArrayItems).map((item) => compactValue(item, limits));
    if (value.length > limits.maxArrayItems)
      kept.push(`[... ${value.length - limits.maxArrayItems} more items compacted]`);
    return kept;
  }
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, compactValue(inner, limits)]));
  return value;
}

/** JSON text compacted structurally (it stays valid JSON), other text cut at `maxStringChars`. */
function compactText(text: string, limits: CompactionSettings['native']): string {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      const compacted = JSON.stringify(compactValue(JSON.parse(text), limits));
      return compacted.length < text.length ? compacted : text;
    } catch {
      // not JSON: cut as text
    }
  }
  return shortened(text, limits.maxStringChars);
}

function compactPart(part: ContentPart, limits: CompactionSettings['native']): ContentPart {
  switch (part.type) {
    case 'text':
      return { ...part, text: compactText(part.text, limits) };
    case 'tool_result':
      return {
        ...part,
        content: part.content.map((inner) =>
          inner.type === 'text' ? ({ ...inner, text: compactText(inner.text, limits) } satisfies TextPart) : inner,
        ),
      };
    case 'tool_call': {
      try {
        return { ...part, arguments: JSON.stringify(compactValue(JSON.parse(part.arguments), limits)) };
      } catch {
        return part;
      }
    }
    case 'image':
    case 'document':
    case 'audio':
    case 'thinking':
    case 'redacted_thinking':
      // Media, and thinking (whose signature covers its text), stay as they are.
      return part;
  }
}

/**
 * The first message of the protected recent turns: the last `protectRecent` messages,
 * reaching back so that a protected tool result keeps the call it answers beside it.
 */
function protectedFrom(messages: CanonicalMessage[], protectRecent: number): number {
  let start = Math.max(0, messages.length - Math.max(0, protectRecent));
  while (start > 0 && messages[start].content.some((part) => part.type === 'tool_result')) start--;
  return start;
}

/**
 * Native compaction: older turns keep every message and every tool call and result (so
 * no call is parted from its result), but long strings are cut at `maxStringChars` and
 * long JSON arrays at `maxArrayItems`. The instructions and the recent turns are kept whole.
 */
export function compactRequest(request: CanonicalRequest, settings: CompactionSettings): CanonicalRequest {
  const start = protectedFrom(request.messages, settings.protectRecent);
  return {
    ...request,
    messages: request.messages.map((message, index) =>
      index >= start
        ? message
        : { ...message, content: message.content.map((part) => compactPart(part, settings.native)) },
    ),
  };
}
