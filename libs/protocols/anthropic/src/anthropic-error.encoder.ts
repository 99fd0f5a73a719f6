import type { GatewayErrorBody } from '@plexus/core';
import type { AnthropicErrorBody, AnthropicErrorType } from './anthropic.types';

/** Anthropic's documented status for each error type (529 is its own "overloaded"). */
export const ANTHROPIC_ERROR_STATUS: Record<AnthropicErrorType, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/** A 503 (no healthy target) tells an Anthropic client what its 529 does: retry later. */
export function anthropicErrorType(status: number): AnthropicErrorType {
  switch (status) {
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 503:
    case 529:
      return 'overloaded_error';
    case 504:
      return 'timeout_error';
    default:
      return status >= 400 && status < 500 ? 'invalid_request_error' : 'api_error';
  }
}

/** The Anthropic error body, `{type:'error', error:{type, message}}`, for HTTP replies and `event: error`. */
export function encodeAnthropicErrorBody(error: GatewayErrorBody): AnthropicErrorBody {
  return { type: 'error', error: { type: anthropicErrorType(error.status), message: error.message } };
}
