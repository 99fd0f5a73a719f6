/**
 * The wire formats Plexus speaks. The string values are the reference gateway's
 * `incoming_api_type` / `outgoing_api_type` values, so usage records stay compatible.
 */
export const API_FORMATS = ['chat', 'responses', 'messages', 'gemini', 'completions'] as const;
export type ApiFormat = (typeof API_FORMATS)[number];

export function isApiFormat(value: unknown): value is ApiFormat {
  return typeof value === 'string' && (API_FORMATS as readonly string[]).includes(value);
}
