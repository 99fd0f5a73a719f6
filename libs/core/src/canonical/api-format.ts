/**
 * The wire formats Plexus speaks. The string values are the reference gateway's
 * `incoming_api_type` / `outgoing_api_type` values, so usage records stay compatible.
 */
export const API_FORMATS = ['chat', 'responses', 'messages', 'gemini', 'completions'] as const;
export type ApiFormat = (typeof API_FORMATS)[number];

export function isApiFormat(value: unknown): value is ApiFormat {
  return typeof value === 'string' && (API_FORMATS as readonly string[]).includes(value);
}

/**
 * The OpenAI-compatible endpoints that are not conversations (`/v1/embeddings`,
 * `/v1/audio/transcriptions`, `/v1/audio/speech`, `/v1/images/*`). Their bodies are relayed
 * rather than translated, so they have no canonical model; the values are the reference's
 * `incoming_api_type` ones.
 */
export const MEDIA_API_TYPES = ['embeddings', 'transcriptions', 'speech', 'images'] as const;
export type MediaApiType = (typeof MEDIA_API_TYPES)[number];

/** Every API type a client request or an upstream call can have. */
export type IncomingApiType = ApiFormat | MediaApiType;

export function isMediaApiType(value: unknown): value is MediaApiType {
  return typeof value === 'string' && (MEDIA_API_TYPES as readonly string[]).includes(value);
}
