export * from './anthropic.types';
export * from './anthropic-usage';
export { assertAnthropicRequest, decodeAnthropicRequest, STRUCTURED_OUTPUT_NAME } from './anthropic-request.decoder';
export {
  encodeAnthropicRequest,
  DEFAULT_MAX_TOKENS,
  EFFORT_BUDGETS,
  MIN_THINKING_BUDGET,
  type AnthropicEncodeOptions,
} from './anthropic-request.encoder';
export { decodeAnthropicResponse, encodeAnthropicResponse } from './anthropic-response.codec';
export { AnthropicStreamDecoder } from './anthropic-stream.decoder';
export { AnthropicStreamEncoder, type AnthropicStreamEncoderOptions } from './anthropic-stream.encoder';
export { ANTHROPIC_ERROR_STATUS, anthropicErrorType, encodeAnthropicErrorBody } from './anthropic-error.encoder';
