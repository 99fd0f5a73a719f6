import { Injectable } from '@nestjs/common';
import type { CanonicalResponse } from '@plexus/core';
import {
  ResponsesStreamDecoder,
  decodeResponsesResponse,
  encodeResponsesRequest,
} from '@plexus/protocols/openai-responses';
import type { UpstreamCall, UpstreamTarget } from '../../provider-adapter';
import { UpstreamHttpClient } from '../../upstream-http.client';
import { HttpProviderAdapter, type StreamDecoder } from '../http-provider.adapter';
import { codexBody, codexHeaders, isSubscription } from '../../subscription/subscription-shapes';

/** The events of a Responses stream that carry usage or the final status. */
const ACCOUNTING_EVENTS = new Set(['response.completed', 'response.incomplete', 'response.failed']);

/** OpenAI Responses API upstreams (`POST /responses`). */
@Injectable()
export class OpenAiResponsesAdapter extends HttpProviderAdapter {
  readonly apiType = 'responses' as const;

  constructor(http: UpstreamHttpClient) {
    super(http);
  }

  /** ChatGPT's Codex backend serves Responses under `/codex/responses` of its base. */
  protected url(target: UpstreamTarget): string {
    const base = target.baseUrl.replace(/\/+$/, '');
    return isSubscription(target, 'openai-codex') ? `${base}/codex/responses` : `${base}/responses`;
  }

  protected authHeaders(target: UpstreamTarget): Record<string, string> {
    return {
      ...(target.apiKey ? { authorization: `Bearer ${target.apiKey}` } : {}),
      ...(isSubscription(target, 'openai-codex') && codexHeaders(target)),
    };
  }

  protected override finishBody(body: object, call: UpstreamCall): object {
    return isSubscription(call.target, 'openai-codex') ? codexBody(body as Record<string, unknown>) : body;
  }

  protected encodeRequest(call: UpstreamCall): object {
    return encodeResponsesRequest(call.request, { model: call.target.model });
  }

  protected decodeResponse(body: unknown): CanonicalResponse {
    return decodeResponsesResponse(body);
  }

  protected createStreamDecoder(): StreamDecoder {
    return new ResponsesStreamDecoder();
  }

  protected carriesAccounting(eventName: string | undefined): boolean {
    return eventName !== undefined && ACCOUNTING_EVENTS.has(eventName);
  }
}
