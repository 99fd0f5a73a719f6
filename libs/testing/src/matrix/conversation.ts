/**
 * The translation matrix's contract: one standard conversation every client format sends,
 * one standard answer every provider format returns, and the format-neutral views the
 * suite compares (what an upstream received, what a client got back).
 */

/** The four wire formats, named as the provider `api_base_url` map keys name them. */
export type WireFormat = 'chat' | 'responses' | 'messages' | 'gemini';

export const WIRE_FORMATS: readonly WireFormat[] = ['chat', 'responses', 'messages', 'gemini'];

/** A valid 1×1 PNG. */
export const MATRIX_PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

/** The conversation each client sends, in its own format. */
export const CONVERSATION = {
  system: 'You are a terse weather assistant.',
  userText: 'Here is the sky over Paris right now.',
  image: { mimeType: 'image/png', base64: MATRIX_PNG_BASE64 },
  tool: {
    name: 'get_weather',
    description: 'Current weather for a city.',
    schema: {
      type: 'object',
      properties: { city: { type: 'string', description: 'City name' } },
      required: ['city'],
    } as Record<string, unknown>,
  },
  earlierCall: { id: 'call_paris', arguments: { city: 'Paris' } },
  toolResult: '18C and sunny',
  question: 'And what about Lyon?',
  maxTokens: 300,
  temperature: 0.3,
} as const;

/** The answer each upstream returns, in its own format. */
export const ANSWER = {
  textPieces: ['Let me check ', 'Lyon for you.'],
  text: 'Let me check Lyon for you.',
  call: { id: 'call_lyon', name: 'get_weather', arguments: { city: 'Lyon' }, argumentPieces: ['{"city":', '"Lyon"}'] },
  usage: { input: 42, cached: 10, output: 17 },
} as const;

/** What an upstream received, read out of its own format. */
export interface ReceivedConversation {
  /** The model named in the body, or in the URL for Gemini. */
  model: string | undefined;
  /** Whether the upstream was asked for a stream. */
  streaming: boolean;
  /** Whether a stream would report usage (Chat Completions only does when asked to). */
  streamUsage: boolean;
  /** All instruction text (system prompts), joined. */
  system: string;
  /** Text of the user turns (tool results excluded), in order. */
  userTexts: string[];
  images: Array<{ mimeType: string; data: string }>;
  tools: Array<{ name: string; description: string | undefined; schema: Record<string, unknown> | undefined }>;
  /** Earlier tool calls of assistant turns; arguments parsed from JSON where the format sends text. */
  toolCalls: Array<{ id: string | undefined; name: string; arguments: unknown }>;
  toolResults: Array<{ id: string | undefined; name: string | undefined; text: string }>;
  maxTokens: unknown;
  temperature: unknown;
}

/** What a client got back, read out of its own format (a JSON body or a reassembled stream). */
export interface ClientAnswer {
  /** The answer's id, where the reader keeps it (Responses: the response id). */
  id?: string | undefined;
  text: string;
  /** Tool calls with their arguments parsed from JSON (undefined when unparseable). */
  toolCalls: Array<{ id: string | undefined; name: string; arguments: unknown }>;
  /** The finish reason in the client's vocabulary (Responses: the response status). */
  finish: string | undefined;
  /** The client's usage object, as it came. */
  usage: Record<string, unknown> | undefined;
  /** In-stream error payloads. */
  errors: unknown[];
  /** Whether the stream carried its format's normal completion marker. */
  completed: boolean;
}

export function emptyAnswer(): ClientAnswer {
  return { text: '', toolCalls: [], finish: undefined, usage: undefined, errors: [], completed: false };
}

export function parseJsonOr(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}

export function asRecord(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
