import { wireCodeOf, type GatewayErrorBody } from '@plexus/core';
import type { ChatErrorBody } from './openai-chat.types';

function errorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 400 && status < 500) return 'invalid_request_error';
  return 'api_error';
}

/**
 * The OpenAI error body: `{error:{message,type,code,param}}`. Authentication failures use
 * the reference gateway's AuthErrorBody (`type: auth_error`, numeric code) as its contract says.
 */
export function encodeChatErrorBody(error: GatewayErrorBody): ChatErrorBody {
  if (error.status === 401) return { error: { message: error.message, type: 'auth_error', code: 401 } };
  return {
    error: {
      message: error.message,
      type: errorType(error.status),
      code: wireCodeOf(error.code),
      param: error.param ?? null,
    },
  };
}
