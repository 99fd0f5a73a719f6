import { Injectable } from '@nestjs/common';
import type { CanonicalResponse } from '@plexus/core';
import { GeminiStreamDecoder, decodeGeminiResponse, encodeGeminiRequest } from '@plexus/protocols/gemini';
import type { UpstreamCall, UpstreamTarget } from '../../provider-adapter';
import { UpstreamHttpClient } from '../../upstream-http.client';
import { HttpProviderAdapter, type StreamDecoder } from '../http-provider.adapter';

const CARRIES_ACCOUNTING = /"(usageMetadata|finishReason)"/;

/** Google Gemini upstreams (native `generateContent` / `streamGenerateContent`). */
@Injectable()
export class GeminiAdapter extends HttpProviderAdapter {
  readonly apiType = 'gemini' as const;

  constructor(http: UpstreamHttpClient) {
    super(http);
  }

  /** The model lives in the URL; a configured base URL may or may not end in `/v1beta`. */
  protected url(target: UpstreamTarget, stream: boolean): string {
    const base = target.baseUrl.replace(/\/+$/, '').replace(/\/v1beta.*$/, '');
    const action = stream ? 'streamGenerateContent?alt=sse' : 'generateContent';
    return `${base}/v1beta/models/${encodeURIComponent(target.model)}:${action}`;
  }

  protected authHeaders(target: UpstreamTarget): Record<string, string> {
    return target.apiKey ? { 'x-goog-api-key': target.apiKey } : {};
  }

  protected encodeRequest(call: UpstreamCall): object {
    return encodeGeminiRequest(call.request, { model: call.target.model });
  }

  /** Gemini bodies name no model: the client's body goes as it came. */
  protected override passthroughRequest(_call: UpstreamCall, body: Record<string, unknown>): object {
    return body;
  }

  protected decodeResponse(body: unknown): CanonicalResponse {
    return decodeGeminiResponse(body);
  }

  protected createStreamDecoder(): StreamDecoder {
    return new GeminiStreamDecoder();
  }

  protected carriesAccounting(_eventName: string | undefined, data: string): boolean {
    return CARRIES_ACCOUNTING.test(data);
  }
}
