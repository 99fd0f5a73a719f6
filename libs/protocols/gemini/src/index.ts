export * from './gemini.types';
export {
  decodeGeminiUsage,
  encodeGeminiUsage,
  decodeGeminiFinishReason,
  encodeGeminiFinishReason,
} from './gemini-usage';
export { assertGeminiRequest, decodeGeminiRequest, type GeminiDecodeOptions } from './gemini-request.decoder';
export { encodeGeminiRequest, FOREIGN_CALL_SIGNATURE, type GeminiEncodeOptions } from './gemini-request.encoder';
export { decodeGeminiResponse, encodeGeminiResponse } from './gemini-response.codec';
export { GeminiStreamDecoder } from './gemini-stream.decoder';
export { GeminiStreamEncoder, type GeminiStreamEncoderOptions } from './gemini-stream.encoder';
export { encodeGeminiErrorBody } from './gemini-error.encoder';
