import type { GatewayErrorBody } from '@plexus/core';
import type { GeminiErrorBody, GeminiErrorStatus } from './gemini.types';

/** Google's canonical status names for the HTTP statuses Plexus answers with. */
function statusOf(status: number): GeminiErrorStatus {
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'PERMISSION_DENIED';
  if (status === 404) return 'NOT_FOUND';
  if (status === 429) return 'RESOURCE_EXHAUSTED';
  if (status === 502 || status === 503) return 'UNAVAILABLE';
  if (status === 504) return 'DEADLINE_EXCEEDED';
  if (status >= 400 && status < 500) return 'INVALID_ARGUMENT';
  return 'INTERNAL';
}

/**
 * Google's error body, `{error:{code,message,status}}` with the HTTP status as `code`,
 * for every status including 401 (a Gemini SDK reads no other shape).
 */
export function encodeGeminiErrorBody(error: GatewayErrorBody): GeminiErrorBody {
  return { error: { code: error.status, message: error.message, status: statusOf(error.status) } };
}
