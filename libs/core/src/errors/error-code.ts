/** Every error Plexus can answer with. Each ingress format renders these in its own error body. */
export enum ErrorCode {
  INVALID_REQUEST = 'INVALID_REQUEST',
  MALFORMED_JSON = 'MALFORMED_JSON',
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE = 'UNSUPPORTED_MEDIA_TYPE',
  REQUEST_TIMEOUT = 'REQUEST_TIMEOUT',
  URL_TOO_LONG = 'URL_TOO_LONG',
  HEADERS_TOO_LARGE = 'HEADERS_TOO_LARGE',
  CONTEXT_LENGTH_EXCEEDED = 'CONTEXT_LENGTH_EXCEEDED',
  MISSING_API_KEY = 'MISSING_API_KEY',
  INVALID_API_KEY = 'INVALID_API_KEY',
  FORBIDDEN = 'FORBIDDEN',
  MODEL_NOT_FOUND = 'MODEL_NOT_FOUND',
  PROVIDER_NOT_FOUND = 'PROVIDER_NOT_FOUND',
  NOT_FOUND = 'NOT_FOUND',
  RESPONSE_NOT_FOUND = 'RESPONSE_NOT_FOUND',
  CONVERSATION_NOT_FOUND = 'CONVERSATION_NOT_FOUND',
  NO_HEALTHY_TARGET = 'NO_HEALTHY_TARGET',
  UPSTREAM_ERROR = 'UPSTREAM_ERROR',
  UPSTREAM_UNREACHABLE = 'UPSTREAM_UNREACHABLE',
  UPSTREAM_TIMEOUT = 'UPSTREAM_TIMEOUT',
  UPSTREAM_INVALID_RESPONSE = 'UPSTREAM_INVALID_RESPONSE',
  UNSUPPORTED_API_FORMAT = 'UNSUPPORTED_API_FORMAT',
  QUOTA_EXCEEDED = 'QUOTA_EXCEEDED',
  CONCURRENCY_LIMIT = 'CONCURRENCY_LIMIT',
  STREAM_LIMIT = 'STREAM_LIMIT',
  RATE_LIMITED = 'RATE_LIMITED',
  UPSTREAM_RESPONSE_TOO_LARGE = 'UPSTREAM_RESPONSE_TOO_LARGE',
  INTERNAL = 'INTERNAL',
}

interface ErrorCodeInfo {
  status: number;
  message: string;
  /** The machine-readable code clients see (snake_case, as the reference gateway). */
  wireCode: string;
}

/** Exhaustive: adding a code without an entry fails to compile. */
export const ERROR_CODE_INFO: Record<ErrorCode, ErrorCodeInfo> = {
  [ErrorCode.INVALID_REQUEST]: { status: 400, message: 'Invalid request', wireCode: 'invalid_request' },
  [ErrorCode.MALFORMED_JSON]: { status: 400, message: 'Request body is not valid JSON', wireCode: 'malformed_json' },
  [ErrorCode.PAYLOAD_TOO_LARGE]: { status: 413, message: 'Request body is too large', wireCode: 'payload_too_large' },
  [ErrorCode.UNSUPPORTED_MEDIA_TYPE]: {
    status: 415,
    message: 'Unsupported content type',
    wireCode: 'unsupported_media_type',
  },
  [ErrorCode.REQUEST_TIMEOUT]: {
    status: 408,
    message: 'The request was not received in time',
    wireCode: 'request_timeout',
  },
  [ErrorCode.URL_TOO_LONG]: { status: 414, message: 'Request URL is too long', wireCode: 'url_too_long' },
  [ErrorCode.HEADERS_TOO_LARGE]: {
    status: 431,
    message: 'Request headers are too large',
    wireCode: 'headers_too_large',
  },
  [ErrorCode.CONTEXT_LENGTH_EXCEEDED]: {
    status: 400,
    message: "The request is longer than the model's context window",
    wireCode: 'context_length_exceeded',
  },
  [ErrorCode.MISSING_API_KEY]: { status: 401, message: 'Missing API key', wireCode: 'missing_api_key' },
  [ErrorCode.INVALID_API_KEY]: { status: 401, message: 'Invalid API key', wireCode: 'invalid_api_key' },
  [ErrorCode.FORBIDDEN]: { status: 403, message: 'Forbidden', wireCode: 'forbidden' },
  [ErrorCode.MODEL_NOT_FOUND]: { status: 404, message: 'Model not found', wireCode: 'model_not_found' },
  [ErrorCode.PROVIDER_NOT_FOUND]: { status: 404, message: 'Provider not found', wireCode: 'provider_not_found' },
  [ErrorCode.NOT_FOUND]: { status: 404, message: 'Not found', wireCode: 'not_found' },
  [ErrorCode.RESPONSE_NOT_FOUND]: { status: 404, message: 'Response not found', wireCode: 'response_not_found' },
  [ErrorCode.CONVERSATION_NOT_FOUND]: {
    status: 404,
    message: 'Conversation not found',
    wireCode: 'conversation_not_found',
  },
  [ErrorCode.NO_HEALTHY_TARGET]: { status: 503, message: 'No healthy target available', wireCode: 'no_healthy_target' },
  [ErrorCode.UPSTREAM_ERROR]: { status: 502, message: 'Upstream provider error', wireCode: 'upstream_error' },
  [ErrorCode.UPSTREAM_UNREACHABLE]: {
    status: 502,
    message: 'Upstream provider unreachable',
    wireCode: 'upstream_unreachable',
  },
  [ErrorCode.UPSTREAM_TIMEOUT]: { status: 504, message: 'Upstream provider timed out', wireCode: 'upstream_timeout' },
  [ErrorCode.UPSTREAM_INVALID_RESPONSE]: {
    status: 502,
    message: 'Upstream provider sent an invalid response',
    wireCode: 'upstream_invalid_response',
  },
  [ErrorCode.UNSUPPORTED_API_FORMAT]: {
    status: 400,
    message: 'No provider adapter speaks the requested API format',
    wireCode: 'unsupported_api_format',
  },
  [ErrorCode.QUOTA_EXCEEDED]: { status: 429, message: 'Quota exceeded', wireCode: 'quota_exceeded' },
  [ErrorCode.CONCURRENCY_LIMIT]: {
    status: 429,
    message: 'Too many requests in flight for this API key',
    wireCode: 'concurrency_limit_exceeded',
  },
  [ErrorCode.STREAM_LIMIT]: {
    status: 429,
    message: 'Too many streams open for this API key',
    wireCode: 'stream_limit_exceeded',
  },
  [ErrorCode.RATE_LIMITED]: { status: 429, message: 'Too many requests; try again later', wireCode: 'rate_limited' },
  [ErrorCode.UPSTREAM_RESPONSE_TOO_LARGE]: {
    status: 502,
    message: 'Upstream provider answer is too large',
    wireCode: 'upstream_response_too_large',
  },
  [ErrorCode.INTERNAL]: { status: 500, message: 'Internal error', wireCode: 'internal_error' },
};
