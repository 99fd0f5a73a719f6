import { Injectable } from '@nestjs/common';
import type { CanonicalResponse } from '@plexus/core';
import {
  ChatStreamDecoder,
  decodeChatResponse,
  encodeChatRequest,
  type ChatCompletionChunk,
} from '@plexus/protocols/openai-chat';
import type { UpstreamCall, UpstreamTarget } from '../../provider-adapter';
import { UpstreamHttpClient } from '../../upstream-http.client';
import { HttpProviderAdapter, type StreamDecoder } from '../http-provider.adapter';

/** Cheap tests that spare a JSON.parse of every relayed frame. */
const HAS_USAGE = /"usage"\s*:\s*\{/;
const HAS_FINISH = /"finish_reason"\s*:\s*"/;
const NO_CHOICES = /"choices"\s*:\s*\[\s*\]/;

/** OpenAI-compatible Chat Completions upstreams (OpenAI, DeepSeek, Groq, vLLM, Ollama...). */
@Injectable()
export class OpenAiChatAdapter extends HttpProviderAdapter {
  readonly apiType = 'chat' as const;

  constructor(http: UpstreamHttpClient) {
    super(http);
  }

  protected url(target: UpstreamTarget): string {
    return `${target.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  }

  protected authHeaders(target: UpstreamTarget): Record<string, string> {
    return target.apiKey ? { authorization: `Bearer ${target.apiKey}` } : {};
  }

  protected encodeRequest(call: UpstreamCall): object {
    return encodeChatRequest(call.request, { model: call.target.model });
  }

  /** Usage is requested on the client's behalf, so Plexus can record it. */
  protected override passthroughRequest(call: UpstreamCall, body: Record<string, unknown>): object {
    const retargeted = super.passthroughRequest(call, body);
    return call.request.stream ? { ...retargeted, stream_options: { include_usage: true } } : retargeted;
  }

  protected decodeResponse(body: unknown): CanonicalResponse {
    return decodeChatResponse(body);
  }

  protected createStreamDecoder(): StreamDecoder {
    const decoder = new ChatStreamDecoder();
    return {
      decode: (_eventName, data) => decoder.decode(data as ChatCompletionChunk),
      end: () => decoder.end(),
    };
  }

  protected carriesAccounting(_eventName: string | undefined, data: string): boolean {
    return HAS_USAGE.test(data) || HAS_FINISH.test(data);
  }

  /** A client that didn't ask for usage doesn't get the usage-only chunk asked for on its behalf. */
  protected override relayFrame(eventName: string | undefined, data: string, call: UpstreamCall): string | null {
    if (!call.request.streamUsage && NO_CHOICES.test(data) && HAS_USAGE.test(data)) return null;
    return super.relayFrame(eventName, data, call);
  }
}
