/** Where the bytes of an image, document or audio part live. */
export type MediaSource =
  { kind: 'url'; url: string } | { kind: 'base64'; mediaType: string; data: string } | { kind: 'file'; fileId: string };

/** Anthropic-style prompt-cache hint; formats without one drop it. */
export interface CacheControl {
  type: 'ephemeral';
  ttl?: string;
}

export interface Citation {
  url?: string;
  title?: string;
  citedText?: string;
  startIndex?: number;
  endIndex?: number;
}

export interface TextPart {
  type: 'text';
  text: string;
  cacheControl?: CacheControl;
  citations?: Citation[];
}

export interface ImagePart {
  type: 'image';
  source: MediaSource;
  detail?: 'auto' | 'low' | 'high';
  cacheControl?: CacheControl;
}

export interface DocumentPart {
  type: 'document';
  source: MediaSource;
  title?: string;
  cacheControl?: CacheControl;
}

export interface AudioPart {
  type: 'audio';
  source: MediaSource;
}

/** Model reasoning. The signature must survive a round trip untouched. */
export interface ThinkingPart {
  type: 'thinking';
  text: string;
  signature?: string;
}

export interface RedactedThinkingPart {
  type: 'redacted_thinking';
  data: string;
}

/** A tool call made by the assistant. `arguments` is the JSON text exactly as produced. */
export interface ToolCallPart {
  type: 'tool_call';
  id: string;
  name: string;
  arguments: string;
}

/** The result of a tool call, sent back by the client. */
export interface ToolResultPart {
  type: 'tool_result';
  toolCallId: string;
  name?: string;
  content: Array<TextPart | ImagePart | DocumentPart>;
  isError?: boolean;
}

export type ContentPart =
  TextPart | ImagePart | DocumentPart | AudioPart | ThinkingPart | RedactedThinkingPart | ToolCallPart | ToolResultPart;
