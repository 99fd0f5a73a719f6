import type {
  CacheControl,
  Citation,
  ContentPart,
  DocumentPart,
  ImagePart,
  MediaSource,
  TextPart,
  ToolResultPart,
} from '@plexus/core';
import type {
  AnthropicCacheControl,
  AnthropicCitation,
  AnthropicContentBlock,
  AnthropicDocumentBlock,
  AnthropicDocumentSource,
  AnthropicImageBlock,
  AnthropicImageSource,
  AnthropicOtherBlock,
  AnthropicRedactedThinkingBlock,
  AnthropicTextBlock,
  AnthropicThinkingBlock,
  AnthropicToolResultBlock,
  AnthropicToolUseBlock,
} from './anthropic.types';

type ResultContent = ToolResultPart['content'][number];
type ResultBlock = AnthropicTextBlock | AnthropicImageBlock | AnthropicDocumentBlock;

/**
 * One Anthropic content block to a canonical part. Blocks with no canonical meaning
 * (server-tool calls and results, search results, container uploads) give null: only
 * the same-format pass-through carries them. `toolNames` collects tool_use names so
 * that later tool results can name the tool they answer (Gemini needs the name).
 */
export function decodeBlock(
  block: AnthropicContentBlock | AnthropicOtherBlock,
  toolNames: Map<string, string>,
): ContentPart | null {
  switch (block.type) {
    case 'text': {
      const text = block as AnthropicTextBlock;
      return {
        type: 'text',
        text: text.text,
        ...cacheControlOf(text.cache_control),
        ...(text.citations && text.citations.length > 0 && { citations: text.citations.map(decodeCitation) }),
      };
    }
    case 'image': {
      const image = block as AnthropicImageBlock;
      return { type: 'image', source: decodeSource(image.source), ...cacheControlOf(image.cache_control) };
    }
    case 'document': {
      const document = block as AnthropicDocumentBlock;
      return {
        type: 'document',
        source: decodeSource(document.source),
        ...(typeof document.title === 'string' && { title: document.title }),
        ...cacheControlOf(document.cache_control),
      };
    }
    case 'thinking': {
      const thinking = block as AnthropicThinkingBlock;
      // A stream's block opens with signature "": an empty signature is no signature.
      return {
        type: 'thinking',
        text: thinking.thinking,
        ...(thinking.signature && { signature: thinking.signature }),
      };
    }
    case 'redacted_thinking':
      return { type: 'redacted_thinking', data: (block as AnthropicRedactedThinkingBlock).data };
    case 'tool_use': {
      const call = block as AnthropicToolUseBlock;
      toolNames.set(call.id, call.name);
      return { type: 'tool_call', id: call.id, name: call.name, arguments: JSON.stringify(call.input ?? {}) };
    }
    case 'tool_result':
      return decodeToolResult(block as AnthropicToolResultBlock, toolNames);
    default:
      return null;
  }
}

export function decodeBlocks(
  content: string | Array<AnthropicContentBlock | AnthropicOtherBlock>,
  toolNames: Map<string, string>,
): ContentPart[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  return content.map((block) => decodeBlock(block, toolNames)).filter((part) => part !== null);
}

/** A cache breakpoint on the result block moves onto its last part: the cached prefix is the same. */
function decodeToolResult(block: AnthropicToolResultBlock, toolNames: Map<string, string>): ToolResultPart {
  const content = decodeBlocks(block.content ?? '', toolNames).filter(isResultContent);
  const cacheControl = cacheControlOf(block.cache_control);
  const last = content.at(-1);
  if (last && cacheControl.cacheControl) content[content.length - 1] = { ...last, ...cacheControl };
  const name = toolNames.get(block.tool_use_id);
  return {
    type: 'tool_result',
    toolCallId: block.tool_use_id,
    ...(name !== undefined && { name }),
    content,
    ...(block.is_error !== undefined && { isError: block.is_error }),
  };
}

function isResultContent(part: ContentPart): part is ResultContent {
  return part.type === 'text' || part.type === 'image' || part.type === 'document';
}

export function cacheControlOf(control: AnthropicCacheControl | null | undefined): { cacheControl?: CacheControl } {
  if (control?.type !== 'ephemeral') return {};
  return { cacheControl: { type: 'ephemeral', ...(control.ttl !== undefined && { ttl: control.ttl }) } };
}

export function encodeCacheControl(control: CacheControl | undefined): { cache_control?: AnthropicCacheControl } {
  return control
    ? { cache_control: { type: 'ephemeral', ...(control.ttl !== undefined && { ttl: control.ttl }) } }
    : {};
}

/** Anthropic's citation kinds differ in shape; the canonical one keeps what they share. */
function decodeCitation(citation: AnthropicCitation): Citation {
  const url = citation.url ?? citation.source;
  const title = citation.document_title ?? citation.title;
  const charRange = citation.type === 'char_location';
  return {
    ...(url !== undefined && { url }),
    ...(typeof title === 'string' && { title }),
    ...(citation.cited_text !== undefined && { citedText: citation.cited_text }),
    ...(charRange && citation.start_char_index !== undefined && { startIndex: citation.start_char_index }),
    ...(charRange && citation.end_char_index !== undefined && { endIndex: citation.end_char_index }),
  };
}

/**
 * Plain-text document sources become base64 `text/plain`, so every source is bytes or a
 * reference; `content` sources (custom chunks) keep only their text.
 */
function decodeSource(source: AnthropicDocumentSource): MediaSource {
  switch (source.type) {
    case 'base64':
      return { kind: 'base64', mediaType: source.media_type, data: source.data };
    case 'url':
      return { kind: 'url', url: source.url };
    case 'file':
      return { kind: 'file', fileId: source.file_id };
    case 'text':
      return { kind: 'base64', mediaType: 'text/plain', data: Buffer.from(source.data, 'utf8').toString('base64') };
    case 'content': {
      const text =
        typeof source.content === 'string'
          ? source.content
          : source.content.map((block) => (block.type === 'text' ? block.text : '')).join('\n');
      return { kind: 'base64', mediaType: 'text/plain', data: Buffer.from(text, 'utf8').toString('base64') };
    }
  }
}

/**
 * A canonical part to an Anthropic block, or null when Anthropic has no way to carry it:
 * audio, empty text (rejected upstream), and thinking without a signature (Anthropic
 * verifies signatures, so unsigned reasoning from another format cannot be replayed).
 */
export function encodePart(part: ContentPart): AnthropicContentBlock | null {
  switch (part.type) {
    case 'text':
      return part.text === '' ? null : encodeText(part);
    case 'image':
      return encodeImage(part);
    case 'document':
      return encodeDocument(part);
    case 'thinking':
      return part.signature ? { type: 'thinking', thinking: part.text, signature: part.signature } : null;
    case 'redacted_thinking':
      return { type: 'redacted_thinking', data: part.data };
    case 'tool_call':
      return { type: 'tool_use', id: part.id, name: part.name, input: parseToolInput(part.arguments) };
    case 'tool_result':
      return encodeToolResult(part);
    case 'audio':
      return null;
  }
}

function encodeText(part: TextPart): AnthropicTextBlock {
  return { type: 'text', text: part.text, ...encodeCacheControl(part.cacheControl) };
}

function encodeImage(part: ImagePart): AnthropicImageBlock {
  return { type: 'image', source: encodeImageSource(part.source), ...encodeCacheControl(part.cacheControl) };
}

function encodeDocument(part: DocumentPart): AnthropicDocumentBlock {
  return {
    type: 'document',
    source: encodeDocumentSource(part.source),
    ...(part.title !== undefined && { title: part.title }),
    ...encodeCacheControl(part.cacheControl),
  };
}

/** A lone plain text result is sent as a string, Anthropic's shorthand for it. */
function encodeToolResult(part: ToolResultPart): AnthropicToolResultBlock {
  const blocks = part.content.map(encodeResultContent).filter((block) => block !== null);
  const only = blocks.length === 1 ? blocks[0] : undefined;
  const content = only?.type === 'text' && !only.cache_control ? only.text : blocks;
  return {
    type: 'tool_result',
    tool_use_id: part.toolCallId,
    ...(content.length > 0 && { content }),
    ...(part.isError !== undefined && { is_error: part.isError }),
  };
}

function encodeResultContent(part: ResultContent): ResultBlock | null {
  switch (part.type) {
    case 'text':
      return part.text === '' ? null : encodeText(part);
    case 'image':
      return encodeImage(part);
    case 'document':
      return encodeDocument(part);
  }
}

const DATA_URL = /^data:([^;,]+)(?:;[^,]*)?;base64,(.*)$/s;

/** Data URLs carry the bytes themselves: Anthropic wants those as a base64 source. */
function resolveDataUrl(source: MediaSource): MediaSource {
  if (source.kind !== 'url') return source;
  const match = DATA_URL.exec(source.url);
  return match ? { kind: 'base64', mediaType: match[1] ?? 'application/octet-stream', data: match[2] ?? '' } : source;
}

function encodeImageSource(source: MediaSource): AnthropicImageSource {
  const resolved = resolveDataUrl(source);
  switch (resolved.kind) {
    case 'base64':
      return { type: 'base64', media_type: resolved.mediaType, data: resolved.data };
    case 'url':
      return { type: 'url', url: resolved.url };
    case 'file':
      return { type: 'file', file_id: resolved.fileId };
  }
}

/** Anthropic reads PDFs as base64 and plain text as text; other text types are sent as plain text. */
function encodeDocumentSource(source: MediaSource): AnthropicDocumentSource {
  const resolved = resolveDataUrl(source);
  if (resolved.kind === 'base64' && resolved.mediaType.startsWith('text/')) {
    return { type: 'text', media_type: 'text/plain', data: Buffer.from(resolved.data, 'base64').toString('utf8') };
  }
  return encodeImageSource(resolved);
}

/**
 * Anthropic wants tool input as a JSON object. Arguments that are not one (a call cut
 * short by max_tokens) cannot be replayed faithfully and are sent as an empty object.
 */
export function parseToolInput(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // not JSON: falls through to the empty object
  }
  return {};
}
