import { Injectable } from '@nestjs/common';
import { ErrorCode, GatewayException, type CanonicalChunk } from '@plexus/core';
import {
  ChatStreamDecoder,
  decodeChatFinishReason,
  decodeChatResponse,
  decodeChatUsage,
  encodeChatRequest,
  type ChatCompletionChunk,
  type ChatCompletionResponse,
} from '@plexus/protocols/openai-chat';
import { createParser } from 'eventsource-parser';
import { Observable, type Subscriber } from 'rxjs';
import type { ProviderAdapter, UpstreamCall } from '../../provider-adapter';
import { upstreamHttpError, upstreamTransportError } from '../../upstream-error';
import { UpstreamHttpClient } from '../../upstream-http.client';

const MAX_ERROR_BODY = 64 * 1024;
/** Cheap tests that spare a JSON.parse of every relayed frame. */
const HAS_USAGE = /"usage"\s*:\s*\{/;
const HAS_FINISH = /"finish_reason"\s*:\s*"/;

/** OpenAI-compatible Chat Completions upstreams (OpenAI, DeepSeek, Groq, vLLM, Ollama...). */
@Injectable()
export class OpenAiChatAdapter implements ProviderAdapter {
  readonly apiType = 'chat' as const;

  constructor(private readonly http: UpstreamHttpClient) {}

  execute(call: UpstreamCall): Observable<CanonicalChunk> {
    return new Observable<CanonicalChunk>((subscriber) => {
      const abort = new AbortController();
      this.run(call, subscriber, abort.signal).then(
        () => subscriber.complete(),
        (error: unknown) => {
          if (!abort.signal.aborted) subscriber.error(upstreamTransportError(call.target, error));
        },
      );
      return () => abort.abort();
    });
  }

  private async run(call: UpstreamCall, subscriber: Subscriber<CanonicalChunk>, signal: AbortSignal): Promise<void> {
    const { target, request } = call;
    const body = call.passthroughBody
      ? { ...call.passthroughBody, ...(request.stream && { stream_options: { include_usage: true } }) }
      : encodeChatRequest(request, { model: target.model });
    const response = await this.http.post({
      url: `${target.baseUrl.replace(/\/+$/, '')}/chat/completions`,
      headers: {
        'content-type': 'application/json',
        accept: request.stream ? 'text/event-stream' : 'application/json',
        ...(target.apiKey ? { authorization: `Bearer ${target.apiKey}` } : {}),
        ...target.headers,
      },
      body: JSON.stringify({ ...body, ...target.extraBody }),
      signal,
      timeoutMs: target.timeoutMs,
    });

    if (response.statusCode >= 400) {
      const text = await readLimited(response.body, MAX_ERROR_BODY);
      throw upstreamHttpError(target, response.statusCode, text, response.headers['retry-after']);
    }

    if (!request.stream) {
      const text = await response.body.text();
      const parsed = parseJson<ChatCompletionResponse>(text);
      if (call.passthroughBody) {
        subscriber.next({ type: 'passthrough', data: text });
        if (parsed.usage) subscriber.next({ type: 'usage', usage: decodeChatUsage(parsed.usage), observed: true });
        subscriber.next({ type: 'finish', reason: decodeChatFinishReason(parsed.choices?.[0]?.finish_reason), observed: true });
      } else {
        subscriber.next({ type: 'message', response: decodeChatResponse(parsed) });
      }
      return;
    }

    const decoder = call.passthroughBody ? null : new ChatStreamDecoder();
    const relayUsage = request.streamUsage;
    const parser = createParser({
      onEvent: (event) => {
        if (event.data === '[DONE]') return;
        if (!decoder) {
          this.relay(event.data, relayUsage, subscriber);
          return;
        }
        for (const chunk of decoder.decode(parseJson<ChatCompletionChunk>(event.data))) subscriber.next(chunk);
      },
    });
    const text = new TextDecoder();
    for await (const bytes of response.body) {
      parser.feed(text.decode(bytes as Uint8Array, { stream: true }));
    }
    if (decoder) for (const chunk of decoder.end()) subscriber.next(chunk);
  }

  /** Pass-through: the frame goes out as it came; usage and finish are only observed. */
  private relay(data: string, clientWantsUsage: boolean, subscriber: Subscriber<CanonicalChunk>): void {
    const hasUsage = HAS_USAGE.test(data);
    if (!hasUsage && !HAS_FINISH.test(data)) {
      subscriber.next({ type: 'passthrough', data: `data: ${data}\n\n` });
      return;
    }
    const chunk = parseJson<ChatCompletionChunk>(data);
    const usageOnly = hasUsage && (chunk.choices?.length ?? 0) === 0;
    // The upstream was asked for usage on the client's behalf; a client that didn't ask doesn't get it.
    if (!usageOnly || clientWantsUsage) subscriber.next({ type: 'passthrough', data: `data: ${data}\n\n` });
    const finish = chunk.choices?.find((choice) => choice.index === 0)?.finish_reason;
    if (finish) subscriber.next({ type: 'finish', reason: decodeChatFinishReason(finish), observed: true });
    if (chunk.usage) subscriber.next({ type: 'usage', usage: decodeChatUsage(chunk.usage), observed: true });
  }
}

function parseJson<T>(text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new GatewayException(ErrorCode.UPSTREAM_INVALID_RESPONSE, {
      message: 'Upstream sent a body that is not valid JSON',
      cause: error,
    });
  }
}

async function readLimited(body: AsyncIterable<unknown>, limit: number): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = chunk as Buffer;
    parts.push(buffer);
    size += buffer.length;
    if (size >= limit) break;
  }
  return Buffer.concat(parts).toString('utf8').slice(0, limit);
}
