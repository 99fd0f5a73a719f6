import { Injectable } from '@nestjs/common';
import type { CanonicalResponse } from '@plexus/core';
import { AnthropicStreamDecoder, decodeAnthropicResponse, encodeAnthropicRequest } from '@plexus/protocols/anthropic';
import type { UpstreamCall, UpstreamTarget } from '../../provider-adapter';
import { UpstreamHttpClient } from '../../upstream-http.client';
import { HttpProviderAdapter, type StreamDecoder } from '../http-provider.adapter';
import { claudeCodeHeaders, usesClaudeCodeShape, withClaudeCodeSystem } from '../../subscription/subscription-shapes';

const ANTHROPIC_VERSION = '2023-06-01';
/** The events of a Messages stream that carry usage or the stop reason. */
const ACCOUNTING_EVENTS = new Set(['message_start', 'message_delta']);

/** Anthropic Messages upstreams (`POST /v1/messages`). */
@Injectable()
export class AnthropicAdapter extends HttpProviderAdapter {
  readonly apiType = 'messages' as const;

  constructor(http: UpstreamHttpClient) {
    super(http);
  }

  /** Accepts a base URL with or without its `/v1`, as providers are configured both ways. */
  protected url(target: UpstreamTarget): string {
    const base = target.baseUrl.replace(/\/+$/, '');
    return base.endsWith('/v1') ? `${base}/messages` : `${base}/v1/messages`;
  }

  protected authHeaders(target: UpstreamTarget): Record<string, string> {
    return {
      'anthropic-version': ANTHROPIC_VERSION,
      ...(target.apiKey && !target.subscription ? { 'x-api-key': target.apiKey } : {}),
      ...(usesClaudeCodeShape(target) && claudeCodeHeaders(target)),
    };
  }

  /** A Claude subscription (or `useClaudeMasking`) answers only requests in Claude Code's shape. */
  protected override finishBody(body: object, call: UpstreamCall): object {
    return usesClaudeCodeShape(call.target) ? withClaudeCodeSystem(body as Record<string, unknown>) : body;
  }

  protected encodeRequest(call: UpstreamCall): object {
    return encodeAnthropicRequest(call.request, { model: call.target.model });
  }

  protected decodeResponse(body: unknown): CanonicalResponse {
    return decodeAnthropicResponse(body);
  }

  protected createStreamDecoder(): StreamDecoder {
    return new AnthropicStreamDecoder();
  }

  protected carriesAccounting(eventName: string | undefined): boolean {
    return eventName !== undefined && ACCOUNTING_EVENTS.has(eventName);
  }
}
