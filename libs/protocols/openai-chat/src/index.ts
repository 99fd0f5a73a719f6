export * from './openai-chat.types';
export * from './openai-chat-usage';
export { assertChatRequest, decodeChatRequest, mediaSourceOf } from './openai-chat-request.decoder';
export { encodeChatRequest, type ChatEncodeOptions } from './openai-chat-request.encoder';
export { decodeChatResponse, encodeChatResponse } from './openai-chat-response.codec';
export { ChatStreamDecoder } from './openai-chat-stream.decoder';
export { ChatStreamEncoder, type ChatStreamEncoderOptions } from './openai-chat-stream.encoder';
export { encodeChatErrorBody } from './openai-chat-error.encoder';
