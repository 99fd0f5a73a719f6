export * from './openai-responses.types';
export * from './openai-responses-usage';
export { assertResponsesRequest, decodeResponsesRequest } from './openai-responses-request.decoder';
export { encodeResponsesRequest, type ResponsesEncodeOptions } from './openai-responses-request.encoder';
export {
  decodeResponsesResponse,
  encodeResponsesResponse,
  responseOutputMessages,
} from './openai-responses-response.codec';
export { ResponsesStreamDecoder } from './openai-responses-stream.decoder';
export { ResponsesStreamEncoder, type ResponsesStreamEncoderOptions } from './openai-responses-stream.encoder';
export { encodeResponsesErrorBody } from './openai-responses-error.encoder';
