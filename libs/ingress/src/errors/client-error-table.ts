import { ErrorCode } from '@plexus/core';
import type { ClientFormat } from './client-format';

/** What a client of each format receives for one error: the HTTP status and the error's type. */
export interface ClientErrorRendering {
  status: number;
  /**
   * `error.type` for OpenAI Chat, Responses, legacy completions and Anthropic; `error.status`
   * (Google's canonical code name) for Gemini.
   */
  type: Record<ClientFormat, string>;
}

function row(status: number, chat: string, responses: string, anthropic: string, gemini: string): ClientErrorRendering {
  return {
    status,
    type: {
      'openai-chat': chat,
      'openai-completions': chat,
      'openai-responses': responses,
      anthropic,
      gemini,
    },
  };
}

/**
 * Every error Plexus answers an inference request with, as each client format renders it.
 * The encoders (libs/protocols/<format>/*-error.encoder.ts) implement it; the spec beside
 * this file walks every row through them, so neither can drift without the other.
 */
// prettier-ignore
export const CLIENT_ERROR_TABLE: Record<ErrorCode, ClientErrorRendering> = {
  //                                         status  OpenAI chat / completions  Responses  Anthropic  Gemini
  [ErrorCode.INVALID_REQUEST]: row(400, 'invalid_request_error', 'invalid_request_error', 'invalid_request_error', 'INVALID_ARGUMENT'),
  [ErrorCode.MALFORMED_JSON]: row(400, 'invalid_request_error', 'invalid_request_error', 'invalid_request_error', 'INVALID_ARGUMENT'),
  [ErrorCode.PAYLOAD_TOO_LARGE]: row(413, 'invalid_request_error', 'invalid_request_error', 'request_too_large', 'INVALID_ARGUMENT'),
  [ErrorCode.UNSUPPORTED_MEDIA_TYPE]: row(415, 'invalid_request_error', 'invalid_request_error', 'invalid_request_error', 'INVALID_ARGUMENT'),
  [ErrorCode.REQUEST_TIMEOUT]: row(408, 'invalid_request_error', 'invalid_request_error', 'invalid_request_error', 'INVALID_ARGUMENT'),
  [ErrorCode.URL_TOO_LONG]: row(414, 'invalid_request_error', 'invalid_request_error', 'invalid_request_error', 'INVALID_ARGUMENT'),
  [ErrorCode.HEADERS_TOO_LARGE]: row(431, 'invalid_request_error', 'invalid_request_error', 'invalid_request_error', 'INVALID_ARGUMENT'),
  [ErrorCode.CONTEXT_LENGTH_EXCEEDED]: row(400, 'invalid_request_error', 'invalid_request_error', 'invalid_request_error', 'INVALID_ARGUMENT'),
  [ErrorCode.MISSING_API_KEY]: row(401, 'auth_error', 'auth_error', 'authentication_error', 'UNAUTHENTICATED'),
  [ErrorCode.INVALID_API_KEY]: row(401, 'auth_error', 'auth_error', 'authentication_error', 'UNAUTHENTICATED'),
  [ErrorCode.FORBIDDEN]: row(403, 'permission_error', 'invalid_request_error', 'permission_error', 'PERMISSION_DENIED'),
  [ErrorCode.MODEL_NOT_FOUND]: row(404, 'invalid_request_error', 'invalid_request_error', 'not_found_error', 'NOT_FOUND'),
  [ErrorCode.PROVIDER_NOT_FOUND]: row(404, 'invalid_request_error', 'invalid_request_error', 'not_found_error', 'NOT_FOUND'),
  [ErrorCode.NOT_FOUND]: row(404, 'invalid_request_error', 'invalid_request_error', 'not_found_error', 'NOT_FOUND'),
  [ErrorCode.RESPONSE_NOT_FOUND]: row(404, 'invalid_request_error', 'invalid_request_error', 'not_found_error', 'NOT_FOUND'),
  [ErrorCode.CONVERSATION_NOT_FOUND]: row(404, 'invalid_request_error', 'invalid_request_error', 'not_found_error', 'NOT_FOUND'),
  [ErrorCode.NO_HEALTHY_TARGET]: row(503, 'api_error', 'server_error', 'overloaded_error', 'UNAVAILABLE'),
  [ErrorCode.UPSTREAM_ERROR]: row(502, 'api_error', 'server_error', 'api_error', 'UNAVAILABLE'),
  [ErrorCode.UPSTREAM_UNREACHABLE]: row(502, 'api_error', 'server_error', 'api_error', 'UNAVAILABLE'),
  [ErrorCode.UPSTREAM_TIMEOUT]: row(504, 'api_error', 'server_error', 'timeout_error', 'DEADLINE_EXCEEDED'),
  [ErrorCode.UPSTREAM_INVALID_RESPONSE]: row(502, 'api_error', 'server_error', 'api_error', 'UNAVAILABLE'),
  [ErrorCode.UPSTREAM_RESPONSE_TOO_LARGE]: row(502, 'api_error', 'server_error', 'api_error', 'UNAVAILABLE'),
  [ErrorCode.UNSUPPORTED_API_FORMAT]: row(400, 'invalid_request_error', 'invalid_request_error', 'invalid_request_error', 'INVALID_ARGUMENT'),
  [ErrorCode.QUOTA_EXCEEDED]: row(429, 'rate_limit_error', 'invalid_request_error', 'rate_limit_error', 'RESOURCE_EXHAUSTED'),
  [ErrorCode.CONCURRENCY_LIMIT]: row(429, 'rate_limit_error', 'invalid_request_error', 'rate_limit_error', 'RESOURCE_EXHAUSTED'),
  [ErrorCode.STREAM_LIMIT]: row(429, 'rate_limit_error', 'invalid_request_error', 'rate_limit_error', 'RESOURCE_EXHAUSTED'),
  [ErrorCode.RATE_LIMITED]: row(429, 'rate_limit_error', 'invalid_request_error', 'rate_limit_error', 'RESOURCE_EXHAUSTED'),
  [ErrorCode.INTERNAL]: row(500, 'api_error', 'server_error', 'api_error', 'INTERNAL'),
};

/**
 * Errors raised outside our code (Fastify's body parser and limits, Nest's HTTP exceptions)
 * and the error each becomes; toGatewayException implements it.
 */
export const FOREIGN_ERROR_TABLE: ReadonlyArray<{ raised: string; becomes: ErrorCode }> = [
  { raised: 'FST_ERR_CTP_INVALID_JSON_BODY', becomes: ErrorCode.MALFORMED_JSON },
  { raised: 'FST_ERR_CTP_EMPTY_JSON_BODY', becomes: ErrorCode.MALFORMED_JSON },
  { raised: 'FST_ERR_CTP_INVALID_CONTENT_LENGTH', becomes: ErrorCode.INVALID_REQUEST },
  { raised: 'FST_ERR_CTP_BODY_TOO_LARGE', becomes: ErrorCode.PAYLOAD_TOO_LARGE },
  { raised: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', becomes: ErrorCode.UNSUPPORTED_MEDIA_TYPE },
  { raised: 'FST_ERR_CTP_INVALID_TYPE', becomes: ErrorCode.UNSUPPORTED_MEDIA_TYPE },
  { raised: 'HttpException 400', becomes: ErrorCode.INVALID_REQUEST },
  { raised: 'HttpException 401', becomes: ErrorCode.INVALID_API_KEY },
  { raised: 'HttpException 403', becomes: ErrorCode.FORBIDDEN },
  { raised: 'HttpException 404', becomes: ErrorCode.NOT_FOUND },
  { raised: 'HttpException 408', becomes: ErrorCode.REQUEST_TIMEOUT },
  { raised: 'HttpException 414', becomes: ErrorCode.URL_TOO_LONG },
  { raised: 'HttpException 413', becomes: ErrorCode.PAYLOAD_TOO_LARGE },
  { raised: 'HttpException 415', becomes: ErrorCode.UNSUPPORTED_MEDIA_TYPE },
  { raised: 'HttpException 431', becomes: ErrorCode.HEADERS_TOO_LARGE },
  { raised: 'HttpException 429', becomes: ErrorCode.RATE_LIMITED },
  { raised: 'HttpException 500', becomes: ErrorCode.INTERNAL },
  { raised: 'Error', becomes: ErrorCode.INTERNAL },
];
