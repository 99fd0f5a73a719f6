export * from './openai-completions.types';
export {
  assertCompletionRequest,
  decodeCompletionRequest,
  encodeCompletionRequest,
  CONTINUE_INSTRUCTION,
  FILL_IN_THE_MIDDLE_INSTRUCTION,
} from './openai-completions-request.codec';
export {
  decodeCompletionResponse,
  encodeCompletionResponse,
  decodeCompletionUsage,
  encodeCompletionUsage,
  decodeCompletionFinishReason,
  encodeCompletionFinishReason,
} from './openai-completions-response.codec';
export {
  CompletionStreamDecoder,
  CompletionStreamEncoder,
  type CompletionStreamEncoderOptions,
} from './openai-completions-stream.codec';
