import type { Citation, ContentPart, MediaSource, TextPart, ThinkingPart, ToolCallPart } from '@plexus/core';
import type {
  ResponsesAnnotation,
  ResponsesInputContent,
  ResponsesMessageContent,
  ResponsesOutputText,
  ResponsesReasoningItem,
  ResponsesSummaryText,
} from './openai-responses.types';

const DATA_URL = /^data:([^;,]+)(?:;[^,]*)?;base64,(.*)$/s;

export function mediaSourceOf(url: string): MediaSource {
  const match = DATA_URL.exec(url);
  if (match) return { kind: 'base64', mediaType: match[1] ?? 'application/octet-stream', data: match[2] ?? '' };
  return { kind: 'url', url };
}

function urlOf(source: Extract<MediaSource, { kind: 'url' | 'base64' }>): string {
  return source.kind === 'url' ? source.url : `data:${source.mediaType};base64,${source.data}`;
}

/** One content part of a message item (input or replayed output) to canonical. */
export function decodeContentPart(part: ResponsesMessageContent): ContentPart | null {
  switch (part.type) {
    case 'input_text':
      return { type: 'text', text: part.text };
    case 'output_text': {
      const citations = (part.annotations ?? []).flatMap(decodeAnnotation);
      return { type: 'text', text: part.text, ...(citations.length > 0 && { citations }) };
    }
    case 'refusal':
      return { type: 'text', text: part.refusal };
    case 'input_image': {
      const source: MediaSource | null = part.image_url
        ? mediaSourceOf(part.image_url)
        : part.file_id
          ? { kind: 'file', fileId: part.file_id }
          : null;
      if (!source) return null;
      return { type: 'image', source, ...(part.detail !== undefined && { detail: part.detail }) };
    }
    case 'input_file': {
      const source: MediaSource | null = part.file_data
        ? mediaSourceOf(part.file_data)
        : part.file_url
          ? { kind: 'url', url: part.file_url }
          : part.file_id
            ? { kind: 'file', fileId: part.file_id }
            : null;
      if (!source) return null;
      return { type: 'document', source, ...(part.filename !== undefined && { title: part.filename }) };
    }
    case 'input_audio':
      return {
        type: 'audio',
        source: { kind: 'base64', mediaType: `audio/${part.input_audio.format}`, data: part.input_audio.data },
      };
  }
}

/** Only URL citations have a canonical meaning; file citations name OpenAI-side files. */
function decodeAnnotation(annotation: ResponsesAnnotation): Citation[] {
  if (annotation.type !== 'url_citation') return [];
  const { url, title, start_index, end_index } = annotation;
  return [{ url, title, startIndex: start_index, endIndex: end_index }];
}

export function encodeOutputText(part: TextPart): ResponsesOutputText {
  const annotations: ResponsesAnnotation[] = (part.citations ?? []).flatMap((citation) =>
    citation.url === undefined
      ? []
      : [
          {
            type: 'url_citation' as const,
            url: citation.url,
            title: citation.title ?? '',
            start_index: citation.startIndex ?? 0,
            end_index: citation.endIndex ?? 0,
          },
        ],
  );
  return { type: 'output_text', text: part.text, annotations };
}

/** A user-side part (message or tool output) to Responses input content; null when it has none. */
export function encodeInputPart(part: ContentPart): ResponsesInputContent | null {
  switch (part.type) {
    case 'text':
      return { type: 'input_text', text: part.text };
    case 'image':
      return {
        type: 'input_image',
        ...(part.source.kind === 'file' ? { file_id: part.source.fileId } : { image_url: urlOf(part.source) }),
        ...(part.detail !== undefined && { detail: part.detail }),
      };
    case 'document':
      switch (part.source.kind) {
        case 'file':
          return { type: 'input_file', file_id: part.source.fileId };
        case 'url':
          return { type: 'input_file', file_url: part.source.url };
        case 'base64':
          // OpenAI rejects file_data without a filename.
          return {
            type: 'input_file',
            filename: part.title ?? defaultFilename(part.source.mediaType),
            file_data: urlOf(part.source),
          };
      }
      return null;
    case 'audio':
      return part.source.kind === 'base64'
        ? {
            type: 'input_audio',
            input_audio: { data: part.source.data, format: part.source.mediaType.replace(/^audio\//, '') },
          }
        : null;
    case 'thinking':
    case 'redacted_thinking':
    case 'tool_call':
    case 'tool_result':
      return null;
  }
}

function defaultFilename(mediaType: string): string {
  const subtype = mediaType.split('/')[1] ?? 'bin';
  return `document.${subtype}`;
}

/**
 * A reasoning item becomes one thinking part per summary part (raw reasoning text when there
 * is no summary); the encrypted content is the signature of the last one, so that the item
 * can be rebuilt and replayed.
 */
export function decodeReasoningItem(item: ResponsesReasoningItem): ThinkingPart[] {
  const texts = item.summary?.length
    ? item.summary.map((part) => part.text)
    : (item.content ?? []).map((part) => part.text);
  const encrypted = item.encrypted_content ?? undefined;
  if (texts.length === 0 && encrypted === undefined) return [];
  const parts: ThinkingPart[] = (texts.length > 0 ? texts : ['']).map((text) => ({ type: 'thinking', text }));
  if (encrypted === undefined) return parts;
  const last = parts.length - 1;
  return parts.map((part, index) => (index === last ? { ...part, signature: encrypted } : part));
}

export type AssistantGroup =
  | { kind: 'message'; parts: TextPart[] }
  | { kind: 'reasoning'; summary: ResponsesSummaryText[]; signature?: string }
  | { kind: 'function_call'; part: ToolCallPart };

/**
 * Splits an assistant turn into the items the Responses API would have produced: adjacent
 * text parts share one message, adjacent thinking parts share one reasoning item that a
 * signature closes, each tool call is its own item. Redacted thinking has no Responses form.
 */
export function groupAssistantParts(parts: ContentPart[]): AssistantGroup[] {
  const groups: AssistantGroup[] = [];
  let open: AssistantGroup | null = null;
  const close = (): void => {
    if (open) groups.push(open);
    open = null;
  };
  for (const part of parts) {
    if (part.type === 'text') {
      if (open?.kind !== 'message') {
        close();
        open = { kind: 'message', parts: [] };
      }
      open.parts.push(part);
    } else if (part.type === 'thinking') {
      if (open?.kind !== 'reasoning') {
        close();
        open = { kind: 'reasoning', summary: [] };
      }
      if (part.text !== '') open.summary.push({ type: 'summary_text', text: part.text });
      if (part.signature !== undefined) {
        open.signature = part.signature;
        close();
      }
    } else if (part.type === 'tool_call') {
      close();
      groups.push({ kind: 'function_call', part });
    } else {
      close();
    }
  }
  close();
  return groups;
}
