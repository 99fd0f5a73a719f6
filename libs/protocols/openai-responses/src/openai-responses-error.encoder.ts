import { wireCodeOf, type GatewayErrorBody } from '@plexus/core';
import type { ResponsesErrorBody } from './openai-responses.types';

/**
 * The Responses error body: `{error:{message,type,code,param}}`, typed `server_error` from 500
 * up and `invalid_request_error` below, as the reference gateway does. Authentication failures
 * use its AuthErrorBody (`type: auth_error`, numeric code); upstream failures name the target.
 */
export function encodeResponsesErrorBody(error: GatewayErrorBody): ResponsesErrorBody {
  if (error.status === 401) return { error: { message: error.message, type: 'auth_error', code: 401 } };
  return {
    error: {
      message: error.message,
      type: error.status >= 500 ? 'server_error' : 'invalid_request_error',
      code: wireCodeOf(error.code),
      param: error.param ?? null,
      ...(error.upstream !== undefined && {
        routing_context: { provider: error.upstream.provider, target_model: error.upstream.model },
      }),
    },
  };
}
