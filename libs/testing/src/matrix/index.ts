/** The translation matrix: every client format against every provider format. */
export {
  ANSWER,
  CONVERSATION,
  MATRIX_PNG_BASE64,
  WIRE_FORMATS,
  type ClientAnswer,
  type ReceivedConversation,
  type WireFormat,
} from './conversation';
export {
  CLIENT_FORMATS,
  exchange,
  type ClientCall,
  type ClientExchange,
  type ClientFormat,
  type ClientOptions,
} from './client-formats';
export { PROVIDER_FORMATS, stallingReply, standardReply, type ProviderFormat } from './provider-formats';
export type { ProviderReplies } from './provider-replies';
export { answerProblems, passthroughProblems, requestProblems, subsetMismatches } from './checks';
export { parseSse, type SseEvent } from './sse';
export { expectedRichUsage, withRichUsage, type RecordedTokens } from './usage-replies';
