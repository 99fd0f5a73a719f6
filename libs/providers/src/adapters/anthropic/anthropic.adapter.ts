import { Injectable } from '@nestjs/common';
import type { CanonicalResponse } from '@plexus/core';
import { AnthropicStreamDecoder, decodeAnthropicResponse, encodeAnthropicRequest } from '@plexus/protocols/anthropic';
import type { UpstreamCall, UpstreamTarget } from '../../provider-adapter';
import { UpstreamHttpClient } from '../../upstream-http.client';
import { HttpProviderAdapter, type StreamDecoder } from '../http-provider.adapter';
import {
  claudeCodeRenames,
  restoreClientToolNames,
  withClaudeCodeToolNames,
} from '../../subscription/claude-code-tools';
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
    if (!usesClaudeCodeShape(call.target)) return body;
    return withClaudeCodeToolNames(withClaudeCodeSystem(body as Record<string, unknown>));
  }

  /** Claude Code's beta flags stay, merged with the ones the provider configures. */
  protected override finishHeaders(headers: Record<string, string>, call: UpstreamCall): Record<string, string> {
    if (!usesClaudeCodeShape(call.target)) return headers;
    const kept = Object.fromEntries(
      Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'anthropic-beta'),
    );
    return { ...kept, 'anthropic-beta': claudeCodeHeaders(call.target)['anthropic-beta'] };
  }

  /** Tool calls come back under the client's own tool names. */
  protected override restoreData(data: string, call: UpstreamCall): string {
    return usesClaudeCodeShape(call.target) ? restoreClientToolNames(data, claudeCodeRenames(call)) : data;
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
