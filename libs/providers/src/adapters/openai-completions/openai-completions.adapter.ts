import { Injectable } from '@nestjs/common';
import type { CanonicalResponse } from '@plexus/core';
import {
  CompletionStreamDecoder,
  decodeCompletionResponse,
  encodeCompletionRequest,
} from '@plexus/protocols/openai-completions';
import type { UpstreamCall, UpstreamTarget } from '../../provider-adapter';
import { UpstreamHttpClient } from '../../upstream-http.client';
import { HttpProviderAdapter, type StreamDecoder } from '../http-provider.adapter';

const HAS_USAGE = /"usage"\s*:\s*\{/;
const HAS_FINISH = /"finish_reason"\s*:\s*"/;
const NO_CHOICES = /"choices"\s*:\s*\[\s*\]/;

/** Legacy OpenAI Completions upstreams (`POST /completions`: FIM code models, vLLM...). */
@Injectable()
export class OpenAiCompletionsAdapter extends HttpProviderAdapter {
  readonly apiType = 'completions' as const;

  constructor(http: UpstreamHttpClient) {
    super(http);
  }

  protected url(target: UpstreamTarget): string {
    return `${target.baseUrl.replace(/\/+$/, '')}/completions`;
  }

  protected authHeaders(target: UpstreamTarget): Record<string, string> {
    return target.apiKey ? { authorization: `Bearer ${target.apiKey}` } : {};
  }

  protected encodeRequest(call: UpstreamCall): object {
    return encodeCompletionRequest(call.request, { model: call.target.model });
  }

  protected override passthroughRequest(call: UpstreamCall, body: Record<string, unknown>): object {
    const retargeted = super.passthroughRequest(call, body);
    return call.request.stream ? { ...retargeted, stream_options: { include_usage: true } } : retargeted;
  }

  protected decodeResponse(body: unknown): CanonicalResponse {
    return decodeCompletionResponse(body);
  }

  protected createStreamDecoder(): StreamDecoder {
    return new CompletionStreamDecoder();
  }

  protected carriesAccounting(_eventName: string | undefined, data: string): boolean {
    return HAS_USAGE.test(data) || HAS_FINISH.test(data);
  }

  protected override relayFrame(eventName: string | undefined, data: string, call: UpstreamCall): string | null {
    if (!call.request.streamUsage && NO_CHOICES.test(data) && HAS_USAGE.test(data)) return null;
    return super.relayFrame(eventName, data, call);
  }
}
