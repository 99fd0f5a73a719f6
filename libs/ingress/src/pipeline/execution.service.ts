import { Injectable } from '@nestjs/common';
import { ErrorCode, GatewayException, isApiFormat, type CanonicalChunk, type CanonicalRequest } from '@plexus/core';
import {
  GeminiEmbeddingsAdapter,
  OpenAiMediaAdapter,
  ProviderAdapterRegistry,
  type MediaBody,
  type MediaChunk,
  type MediaEndpoint,
  type UpstreamCall,
} from '@plexus/providers';
import { throwError, type Observable } from 'rxjs';
import type { RequestContext } from './request-context';
import { RequestLifecycle } from './request-lifecycle';
import { standInRequest } from './stand-in-request';

export interface ExecutionParams {
  context: RequestContext;
  request: CanonicalRequest;
  /** The client's body as received, for the same-format pass-through. */
  rawBody: Record<string, unknown>;
  /** False when the gateway must see the canonical answer (e.g. to store it). */
  allowPassthrough?: boolean;
}

export interface Execution {
  /** Cold: subscribing sends the request; unsubscribing aborts it and records a cancellation. */
  chunks$: Observable<CanonicalChunk>;
  alias: string;
}

export interface MediaExecutionParams {
  /** Its `format` is the endpoint's media type, which picks the aliases it may use. */
  context: RequestContext;
  endpoint: MediaEndpoint;
  model: string;
  body: MediaBody;
  /** The client's body as a debug trace shows it (files by name and size). */
  tracedBody: Record<string, unknown>;
  /** The text the request sends (input, prompt), for the quota admission's estimate. */
  inputText: string;
}

export interface MediaExecution {
  /** Cold, as Execution's: the answer's content type, its bytes, then its usage. */
  chunks$: Observable<MediaChunk>;
  alias: string;
}

/**
 * The chat and media body strategies of the request lifecycle (RequestLifecycle): chat
 * requests are translated to the target's format, or relayed as the client's own bytes
 * when the target speaks it; media requests are relayed to the target's media endpoint.
 */
@Injectable()
export class ExecutionService {
  constructor(
    private readonly lifecycle: RequestLifecycle,
    private readonly adapters: ProviderAdapterRegistry,
    private readonly media: OpenAiMediaAdapter,
    private readonly geminiEmbeddings: GeminiEmbeddingsAdapter,
  ) {}

  execute(params: ExecutionParams): Execution {
    const { context, request, rawBody } = params;
    const allowPassthrough = params.allowPassthrough ?? true;
    const plan = this.lifecycle.plan(context, request);
    const chunks$ = this.lifecycle.run<CanonicalChunk>({
      context,
      request,
      rawBody,
      plan,
      strategy: {
        kind: 'chat',
        isPassthrough: (target) => allowPassthrough && target.apiType === context.format,
        accounting: (chunk) => chunk,
        send: (attempt) => {
          const { target } = attempt;
          const adapter = isApiFormat(target.apiType) ? this.adapters.get(target.apiType) : undefined;
          if (!adapter) {
            return throwError(
              () =>
                new GatewayException(ErrorCode.UNSUPPORTED_API_FORMAT, {
                  message: `Provider '${target.provider}' speaks '${target.apiType}', which this gateway cannot call yet`,
                }),
            );
          }
          const call: UpstreamCall = {
            request: attempt.request,
            target: attempt.upstream,
            ...(attempt.passthrough && { passthroughBody: rawBody }),
            failOnEmpty: attempt.failOnEmpty,
            ...(attempt.capture && { observer: attempt.capture }),
            ...(context.clientFlow && { flow: context.clientFlow }),
          };
          return adapter.execute(call);
        },
      },
    });
    return { chunks$, alias: plan.alias ?? request.model };
  }

  /**
   * A media request (embeddings, audio, images): routed to aliases of its endpoint's type
   * and relayed to the target's OpenAI-compatible endpoint, with the same failover,
   * cooldowns, quota admission and usage record as a conversation.
   */
  executeMedia(params: MediaExecutionParams): MediaExecution {
    const { context, endpoint, body } = params;
    const request = standInRequest(params.model, params.inputText);
    const plan = this.lifecycle.plan(context, request);
    const chunks$ = this.lifecycle.run<MediaChunk>({
      context,
      request,
      rawBody: params.tracedBody,
      plan,
      strategy: {
        kind: 'media',
        isPassthrough: (target) => target.apiType !== 'gemini',
        // The relayed bytes are not text; only the usage means something to the tap.
        accounting: (chunk) =>
          chunk.type === 'usage' ? { type: 'usage', usage: chunk.usage } : { type: 'passthrough', data: '' },
        send: ({ target, upstream, capture }) => {
          const call = {
            endpoint,
            target: upstream,
            body,
            ...(capture && { observer: capture }),
            ...(context.clientFlow && { flow: context.clientFlow }),
          };
          return target.apiType === 'gemini' ? this.geminiEmbeddings.execute(call) : this.media.execute(call);
        },
      },
    });
    return { chunks$, alias: plan.alias ?? request.model };
  }
}
