import { ErrorCode, GatewayException, type ApiFormat, type CanonicalChunk, type CanonicalResponse } from '@plexus/core';
import { createParser } from 'eventsource-parser';
import { Observable, type Subscriber } from 'rxjs';
import type { ProviderAdapter, UpstreamCall, UpstreamTarget } from '../provider-adapter';
import { StallWatchdog } from '../stall-watchdog';
import { EmptyCompletionError, UpstreamStallError, upstreamHttpError, upstreamTransportError } from '../upstream-error';
import type { UpstreamHttpClient } from '../upstream-http.client';
import { subscriptionAuthHeaders, subscriptionHeaders } from '../subscription/subscription-shapes';
import { ContentGate, hasContent } from './content-gate';

const MAX_ERROR_BODY = 64 * 1024;

/** Turns one upstream's SSE events into canonical chunks. */
export interface StreamDecoder {
  decode(eventName: string | undefined, data: unknown): CanonicalChunk[];
  end(): CanonicalChunk[];
}

/**
 * An upstream reached by one JSON POST that answers JSON or SSE. Subclasses say where and
 * how to call, and which codec reads the answer; this class does the call, the abort on
 * unsubscribe, error mapping, and the same-format pass-through (frames relayed verbatim,
 * only the events that carry usage or the finish reason are parsed).
 */
export abstract class HttpProviderAdapter implements ProviderAdapter {
  abstract readonly apiType: ApiFormat;

  protected constructor(private readonly http: UpstreamHttpClient) {}

  protected abstract url(target: UpstreamTarget, stream: boolean): string;
  protected abstract authHeaders(target: UpstreamTarget): Record<string, string>;
  protected abstract encodeRequest(call: UpstreamCall): object;
  protected abstract decodeResponse(body: unknown): CanonicalResponse;
  protected abstract createStreamDecoder(): StreamDecoder;

  /** The pass-through body: the client's own, re-targeted at the upstream model. */
  protected passthroughRequest(call: UpstreamCall, body: Record<string, unknown>): object {
    return { ...body, model: call.target.model };
  }

  /** The headers as sent, the provider's configured ones included. */
  protected finishHeaders(headers: Record<string, string>, _call: UpstreamCall): Record<string, string> {
    return headers;
  }

  /** The body as sent, after encoding or re-targeting: where a subscription's shape is applied. */
  protected finishBody(body: object, _call: UpstreamCall): object {
    return body;
  }

  /**
   * An answer's JSON text (the body, or one SSE event's data) before it is decoded or
   * relayed: where a request shape's renames are undone.
   */
  protected restoreData(data: string, _call: UpstreamCall): string {
    return data;
  }

  /** Whether a relayed event carries usage or a finish reason, and so must be parsed. */
  protected abstract carriesAccounting(eventName: string | undefined, data: string): boolean;

  /** The frame relayed to the client for one upstream event, or null to hold it back. */
  protected relayFrame(eventName: string | undefined, data: string, _call: UpstreamCall): string | null {
    return eventName ? `event: ${eventName}\ndata: ${data}\n\n` : `data: ${data}\n\n`;
  }

  /** Events that end the stream's data (e.g. OpenAI's `[DONE]`), never parsed as JSON. */
  protected isTerminator(data: string): boolean {
    return data === '[DONE]';
  }

  execute(call: UpstreamCall): Observable<CanonicalChunk> {
    return new Observable<CanonicalChunk>((subscriber) => {
      const abort = new AbortController();
      let settled = false;
      let stall: UpstreamStallError | null = null;
      const watchdog =
        call.request.stream && call.target.stall
          ? new StallWatchdog(call.target.stall, (phase, detail) => {
              stall = new UpstreamStallError(call.target, phase, detail);
              abort.abort();
            })
          : null;
      watchdog?.start();
      this.run(call, subscriber, abort.signal, watchdog).then(
        () => {
          settled = true;
          watchdog?.stop();
          subscriber.complete();
        },
        (error: unknown) => {
          settled = true;
          watchdog?.stop();
          if (stall) subscriber.error(stall);
          else if (!abort.signal.aborted) subscriber.error(upstreamTransportError(call.target, error));
        },
      );
      // Aborting a finished call costs a DOMException and undici bookkeeping per request.
      return () => {
        watchdog?.stop();
        if (!settled) abort.abort();
      };
    });
  }

  private async run(
    call: UpstreamCall,
    subscriber: Subscriber<CanonicalChunk>,
    signal: AbortSignal,
    watchdog: StallWatchdog | null,
  ): Promise<void> {
    const { target, request } = call;
    const body = this.finishBody(
      call.passthroughBody ? this.passthroughRequest(call, call.passthroughBody) : this.encodeRequest(call),
      call,
    );
    const { observer } = call;
    const post = {
      url: this.url(target, request.stream),
      headers: this.finishHeaders(
        {
          'content-type': 'application/json',
          accept: request.stream ? 'text/event-stream' : 'application/json',
          ...this.authHeaders(target),
          ...subscriptionAuthHeaders(target),
          ...subscriptionHeaders(target),
          ...target.headers,
        },
        call,
      ),
      body: JSON.stringify({ ...body, ...target.extraBody }),
      signal,
      timeoutMs: target.timeoutMs,
    };
    observer?.request(post);
    const response = await this.http.post(post);
    observer?.response({ status: response.statusCode, headers: response.headers });

    if (response.statusCode >= 400) {
      const text = await readLimited(response.body, MAX_ERROR_BODY);
      observer?.body(text);
      throw upstreamHttpError(target, response.statusCode, text, response.headers);
    }

    if (!request.stream) {
      const received = await response.body.text();
      observer?.body(received);
      const text = this.restoreData(received, call);
      const decoded = this.decodeResponse(parseJson(text));
      if (call.failOnEmpty && !hasContent({ type: 'message', response: decoded }))
        throw new EmptyCompletionError(target);
      if (call.passthroughBody) {
        subscriber.next({ type: 'passthrough', data: text });
        if (decoded.usage) subscriber.next({ type: 'usage', usage: decoded.usage, observed: true });
        subscriber.next({ type: 'finish', reason: decoded.finishReason, observed: true });
      } else {
        subscriber.next({ type: 'message', response: decoded });
      }
      return;
    }

    const decoder = this.createStreamDecoder();
    const passthrough = call.passthroughBody !== undefined;
    const gate = new ContentGate(subscriber, call.failOnEmpty === true);
    let finished = false;
    let firstFrameChecked = false;
    const emit = (chunk: CanonicalChunk): void => {
      if (chunk.type === 'finish') finished = true;
      gate.next(chunk);
    };
    const parser = createParser({
      onEvent: (event) => {
        watchdog?.bytes(Buffer.byteLength(event.data));
        if (this.isTerminator(event.data)) return;
        const data = this.restoreData(event.data, call);
        if (!passthrough) {
          for (const chunk of decoder.decode(event.event, parseJson(data))) emit(chunk);
          return;
        }
        // Relayed frames are not parsed, but the first one is: a garbled answer is caught while
        // the request can still fail over, and the cost is one parse per stream. Until content
        // shows up, frames are decoded too, to tell an empty answer from one still starting.
        const inspect = gate.waiting || this.carriesAccounting(event.event, data);
        if (!firstFrameChecked && !inspect) parseJson(data);
        firstFrameChecked = true;
        const decoded = inspect ? decoder.decode(event.event, parseJson(data)) : [];
        if (gate.waiting && decoded.some(hasContent)) gate.open();
        const frame = this.relayFrame(event.event, data, call);
        if (frame !== null) emit({ type: 'passthrough', data: frame });
        for (const chunk of decoded) {
          if (chunk.type === 'usage' || chunk.type === 'finish') emit({ ...chunk, observed: true });
        }
      },
    });
    const text = new TextDecoder();
    for await (const bytes of response.body) {
      const decoded = text.decode(bytes as Uint8Array, { stream: true });
      observer?.body(decoded);
      parser.feed(decoded);
      // A client that can't take more pauses the read; the stall watchdog doesn't blame the upstream for it.
      const drained = call.flow?.ready();
      if (drained) {
        watchdog?.suspend();
        await drained;
        watchdog?.resume();
      }
    }
    if (!passthrough) for (const chunk of decoder.end()) emit(chunk);
    if (gate.waiting && finished) throw new EmptyCompletionError(target);
    // A stream that stops without saying why was cut: a truncated answer must not pass for a whole one.
    if (!finished) {
      throw new GatewayException(ErrorCode.UPSTREAM_INVALID_RESPONSE, {
        message: `${target.provider}/${target.model} ended its stream before finishing the answer`,
        upstream: { provider: target.provider, model: target.model },
      });
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new GatewayException(ErrorCode.UPSTREAM_INVALID_RESPONSE, {
      message: 'Upstream sent a body that is not valid JSON',
      cause: error,
    });
  }
}

export async function readLimited(body: AsyncIterable<unknown>, limit: number): Promise<string> {
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
