import type { ContentPart, MediaSource, ToolResultPart } from '@plexus/core';
import type {
  GeminiBlob,
  GeminiFileData,
  GeminiFunctionCall,
  GeminiFunctionResponse,
  GeminiPart,
} from './gemini.types';

/**
 * Reads a field by its camelCase name or by the snake_case name the REST API also
 * accepts. Only field names are translated, never user data (arguments, schemas, labels).
 */
export function field<T = unknown>(source: unknown, name: string): T | undefined {
  if (typeof source !== 'object' || source === null) return undefined;
  const record = source as Record<string, unknown>;
  return (record[name] ?? record[snakeCase(name)]) as T | undefined;
}

export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

export function camelCase(name: string): string {
  return name.replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase());
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** How the decoders name function calls, which Gemini leaves without ids. */
export interface CallNaming {
  callId(call: GeminiFunctionCall): string;
  /** The id of the call a function response answers (by id, else by name and order). */
  resultId(response: GeminiFunctionResponse): string;
}

/** Anthropic accepts only `[A-Za-z0-9_-]` in tool ids and OpenAI at most 40 characters. */
export function idSafe(text: string, length: number): string {
  return text.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, length);
}

/**
 * The id of a call in an answer: stable (the same call in a stream and in a whole body
 * gets the same id) and distinct across turns, since it hashes the response id.
 */
export function answerCallId(responseId: string, ordinal: number, call: GeminiFunctionCall): string {
  if (call.id) return call.id;
  return `call_${fnv1a(`${responseId}:${ordinal}:${call.name}:${JSON.stringify(call.args ?? {})}`)}`;
}

function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/**
 * Values Gemini clients put where a signature goes for calls the model did not produce: they
 * vouch for nothing, so they are not carried as signatures (another vendor would refuse them).
 */
const STAND_IN_SIGNATURES = new Set(['skip_thought_signature_validator', 'context_engineering_is_the_way_to_go']);

/**
 * Gemini parts to canonical parts. A signature on a non-thought part (a function call, a
 * text) becomes an empty `thinking` part with that signature right before it, so that the
 * encoder can put it back on the same part: Gemini validates where signatures sit.
 */
export function decodeGeminiParts(parts: unknown[], naming: CallNaming): ContentPart[] {
  const out: ContentPart[] = [];
  for (const part of parts) {
    const signed = field<string>(part, 'thoughtSignature');
    const signature = signed !== undefined && STAND_IN_SIGNATURES.has(signed) ? undefined : signed;
    const text = field<string>(part, 'text');
    if (field(part, 'thought') === true) {
      const last = out.at(-1);
      if (!text && signature && last?.type === 'thinking' && last.text !== '' && last.signature === undefined) {
        last.signature = signature;
      } else {
        out.push({ type: 'thinking', text: text ?? '', ...(signature !== undefined && { signature }) });
      }
      continue;
    }
    if (signature !== undefined) out.push({ type: 'thinking', text: '', signature });
    const call = field<GeminiFunctionCall>(part, 'functionCall');
    const response = field<GeminiFunctionResponse>(part, 'functionResponse');
    if (call) {
      out.push({
        type: 'tool_call',
        id: naming.callId(call),
        name: call.name,
        arguments: JSON.stringify(call.args ?? {}),
      });
    } else if (response) {
      out.push(decodeFunctionResponse(response, naming.resultId(response)));
    } else if (typeof text === 'string') {
      if (text !== '') out.push({ type: 'text', text });
    } else {
      const media = decodeMedia(part);
      if (media) out.push(media);
    }
  }
  return out;
}

function decodeFunctionResponse(response: GeminiFunctionResponse, toolCallId: string): ToolResultPart {
  const body = isRecord(response.response) ? response.response : {};
  const keys = Object.keys(body);
  const isError = keys.length === 1 && keys[0] === 'error';
  const unwrapped = keys.length === 1 && (isError || (keys[0] === 'result' && typeof body['result'] === 'string'));
  const value = unwrapped ? body[keys[0] ?? ''] : body;
  const media = (response.parts ?? []).map(decodeMedia).filter((part) => part !== null && part.type !== 'audio');
  return {
    type: 'tool_result',
    toolCallId,
    name: response.name,
    content: [
      { type: 'text', text: typeof value === 'string' ? value : JSON.stringify(value) },
      ...(media as ToolResultPart['content']),
    ],
    ...(isError && { isError: true }),
  };
}

type MediaPart = Extract<ContentPart, { type: 'image' | 'document' | 'audio' }>;

function decodeMedia(part: unknown): MediaPart | null {
  const inline = field<GeminiBlob>(part, 'inlineData');
  if (inline) {
    const mediaType = field<string>(inline, 'mimeType') ?? 'application/octet-stream';
    return mediaPart(mediaType, { kind: 'base64', mediaType, data: field<string>(inline, 'data') ?? '' });
  }
  const file = field<GeminiFileData>(part, 'fileData');
  const uri = field<string>(file, 'fileUri');
  if (!uri) return null;
  // Files API and Cloud Storage URIs mean something only to Google: they stay file ids.
  const source: MediaSource = /^(gs:\/\/|https:\/\/generativelanguage\.googleapis\.com\/)/.test(uri)
    ? { kind: 'file', fileId: uri }
    : { kind: 'url', url: uri };
  return mediaPart(field<string>(file, 'mimeType') ?? mimeTypeOf(uri) ?? '', source);
}

function mediaPart(mediaType: string, source: MediaSource): MediaPart {
  if (mediaType.startsWith('image/')) return { type: 'image', source };
  if (mediaType.startsWith('audio/')) return { type: 'audio', source };
  return { type: 'document', source };
}

const MIME_BY_EXTENSION: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
  txt: 'text/plain',
  html: 'text/html',
  csv: 'text/csv',
  md: 'text/md',
  mp3: 'audio/mp3',
  wav: 'audio/wav',
  ogg: 'audio/ogg',
  flac: 'audio/flac',
  aac: 'audio/aac',
  mp4: 'video/mp4',
  webm: 'video/webm',
  mov: 'video/mov',
};

export function mimeTypeOf(url: string): string | undefined {
  const path = url.split(/[?#]/)[0] ?? '';
  const extension = /\.([A-Za-z0-9]+)$/.exec(path)?.[1]?.toLowerCase();
  return extension === undefined ? undefined : MIME_BY_EXTENSION[extension];
}

const DATA_URL = /^data:([^;,]+)(?:;[^,]*)?;base64,(.*)$/s;

/**
 * File URIs whose MIME type their name doesn't tell (Files API URIs, URLs without an
 * extension): the request decoder keeps them in `extensions.gemini.fileMimeTypes`.
 */
export function unguessableMimeTypes(contents: unknown[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of contents.flatMap((content) => field<unknown[]>(content, 'parts') ?? [])) {
    const nested = field<unknown[]>(field(part, 'functionResponse'), 'parts') ?? [];
    for (const file of [part, ...nested].map((item) => field(item, 'fileData'))) {
      const uri = field<string>(file, 'fileUri');
      const mimeType = field<string>(file, 'mimeType');
      if (uri !== undefined && mimeType !== undefined && mimeTypeOf(uri) !== mimeType) out[uri] = mimeType;
    }
  }
  return out;
}

export function encodeMedia(source: MediaSource, mimeTypes: Record<string, string> = {}): GeminiPart {
  if (source.kind === 'base64') return { inlineData: { mimeType: source.mediaType, data: source.data } };
  const uri = source.kind === 'file' ? source.fileId : source.url;
  const dataUrl = DATA_URL.exec(uri);
  if (dataUrl) return { inlineData: { mimeType: dataUrl[1] ?? 'application/octet-stream', data: dataUrl[2] ?? '' } };
  const mimeType = mimeTypes[uri] ?? mimeTypeOf(uri);
  return { fileData: { ...(mimeType !== undefined && { mimeType }), fileUri: uri } };
}

/**
 * Canonical parts to Gemini parts. An empty signed `thinking` part hands its signature to
 * the part that follows (where the decoder found it); one left over rides on an empty
 * text part, as Gemini itself sends it. Tool-result media follow the function responses,
 * since older models accept no media inside a function response.
 */
export function encodeGeminiParts(
  content: ContentPart[],
  toolNameOf: (toolCallId: string) => string,
  mimeTypes: Record<string, string> = {},
): GeminiPart[] {
  const out: GeminiPart[] = [];
  const resultMedia: GeminiPart[] = [];
  let signature: string | undefined;
  const push = (part: GeminiPart): void => {
    out.push(signature === undefined ? part : { ...part, thoughtSignature: signature });
    signature = undefined;
  };
  for (const part of content) {
    switch (part.type) {
      case 'text':
        push({ text: part.text });
        break;
      case 'image':
      case 'document':
      case 'audio':
        push(encodeMedia(part.source, mimeTypes));
        break;
      case 'thinking':
        if (part.text === '' && part.signature !== undefined) {
          if (signature !== undefined) push({ text: '' });
          signature = part.signature;
        } else {
          push({
            text: part.text,
            thought: true,
            ...(part.signature !== undefined && { thoughtSignature: part.signature }),
          });
        }
        break;
      case 'tool_call':
        push({ functionCall: { name: part.name, args: argumentsObject(part.arguments) } });
        break;
      case 'tool_result':
        push({
          functionResponse: { name: part.name ?? toolNameOf(part.toolCallId), response: functionResponseBody(part) },
        });
        for (const media of part.content)
          if (media.type !== 'text') resultMedia.push(encodeMedia(media.source, mimeTypes));
        break;
      case 'redacted_thinking':
        break;
    }
  }
  if (signature !== undefined) push({ text: '' });
  return [...out, ...resultMedia];
}

/** Gemini takes arguments as an object: anything else (or invalid JSON) sends none. */
export function argumentsObject(json: string): Record<string, unknown> {
  const parsed = parseJson(json);
  return isRecord(parsed) ? parsed : {};
}

/**
 * A JSON object result is the response itself; other text is `{result}`; a failed call is
 * `{error}`. The decoder reads these three shapes back to the same text.
 */
function functionResponseBody(part: ToolResultPart): Record<string, unknown> {
  const text = part.content.map((item) => (item.type === 'text' ? item.text : '')).join('');
  const parsed = parseJson(text);
  if (part.isError) return { error: isRecord(parsed) ? parsed : text };
  return isRecord(parsed) ? parsed : { result: text };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
