import type { CanonicalRequest } from '@plexus/core';
import { ChatStreamEncoder, encodeChatResponse } from '@plexus/protocols/openai-chat';
import type { WireCodec } from '../pipeline/reply-writer';

export function chatWireCodec(request: CanonicalRequest, requestId: string): WireCodec {
  return {
    streamEncoder: () =>
      new ChatStreamEncoder({
        includeUsage: request.streamUsage,
        fallbackId: `chatcmpl-${requestId}`,
        fallbackModel: request.model,
      }),
    encodeResponse: encodeChatResponse,
  };
}
