import { Injectable } from '@nestjs/common';
import { ErrorCode, GatewayException, emptyUsage, type Usage } from '@plexus/core';
import { createParser } from 'eventsource-parser';
import { Observable, type Subscriber } from 'rxjs';
import type { UpstreamTarget } from '../../provider-adapter';
import { upstreamHttpError, upstreamTransportError } from '../../upstream-error';
import { UpstreamHttpClient } from '../../upstream-http.client';
import { readLimited } from '../http-provider.adapter';
import type { MediaBody, MediaCall, MediaChunk } from './media-call';
import { mediaUsage } from './media-usage';

const MAX_ERROR_BODY = 64 * 1024;

/**
 * The OpenAI-compatible media endpoints (`/embeddings`, `/audio/*`, `/images/*`) of a
 * provider's base URL. The client's body is relayed in its own encoding (JSON or
 * multipart) with `model` re-targeted, and the answer's bytes come back untouched: JSON
 * answers are read whole to find their usage, anything else (audio, text, a speech SSE
 * stream) is relayed as it arrives. Each subscription is one upstream call; unsubscribing
 * aborts it.
 */
@Injectable()
export class OpenAiMediaAdapter {
  constructor(private readonly http: UpstreamHttpClient) {}

  execute(call: MediaCall): Observable<MediaChunk> {
    return new Observable<MediaChunk>((subscriber) => {
      const abort = new AbortController();
      let settled = false;
      this.run(call, subscriber, abort.signal).then(
        () => {
          settled = true;
          subscriber.complete();
        },
        (error: unknown) => {
          settled = true;
          if (!abort.signal.aborted) subscriber.error(upstreamTransportError(call.target, error));
        },
      );
      return () => {
        if (!settled) abort.abort();
      };
    });
  }

  private async run(call: MediaCall, subscriber: Subscriber<MediaChunk>, signal: AbortSignal): Promise<void> {
    const { target, observer } = call;
    const encoded = await encodeBody(call.body, target);
    const post = {
      url: `${target.baseUrl.replace(/\/+$/, '')}/${call.endpoint}`,
      headers: {
        'content-type': encoded.contentType,
        ...(target.apiKey && { authorization: `Bearer ${target.apiKey}` }),
        ...target.headers,
      },
      body: encoded.body,
      signal,
      timeoutMs: target.timeoutMs,
    };
    observer?.request({ url: post.url, headers: post.headers, body: encoded.trace });
    const response = await this.http.post(post);
    observer?.response({ status: response.statusCode, headers: response.headers });

    if (response.statusCode >= 400) {
      const text = await readLimited(response.body, MAX_ERROR_BODY);
      observer?.body(text);
      throw upstreamHttpError(target, response.statusCode, text, response.headers);
    }
    const header = response.headers['content-type'];
    const contentType = (Array.isArray(header) ? header[0] : header) ?? 'application/octet-stream';

    if (/[/+]json\b/i.test(contentType)) {
      const bytes = new Uint8Array(await response.body.arrayBuffer());
      const text = new TextDecoder().decode(bytes);
      observer?.body(text);
      const usage = mediaUsage(parseJson(text, target));
      subscriber.next({ type: 'head', contentType });
      subscriber.next({ type: 'data', data: bytes });
      subscriber.next({ type: 'usage', usage });
      return;
    }

    // A speech SSE stream reports its usage in the closing `speech.audio.done` event.
    let usage: Usage = emptyUsage();
    const events = /^text\/event-stream/i.test(contentType)
      ? createParser({
          onEvent: (event) => {
            if (!event.data.includes('"usage"')) return;
            try {
              usage = mediaUsage(JSON.parse(event.data));
            } catch {
              // a garbled event is relayed as is; it just carries no usage
            }
          },
        })
      : null;
    const decoder = new TextDecoder();
    subscriber.next({ type: 'head', contentType });
    for await (const chunk of response.body) {
      const data = chunk as Buffer;
      if (events) {
        const text = decoder.decode(data, { stream: true });
        events.feed(text);
        observer?.body(text);
      }
      subscriber.next({ type: 'data', data });
      const drained = call.flow?.ready();
      if (drained) await drained;
    }
    subscriber.next({ type: 'usage', usage });
  }
}

interface EncodedBody {
  contentType: string;
  body: string | Uint8Array;
  /** What a debug trace shows of it (files by name and size, not their bytes). */
  trace: string;
}

/** The client's body re-targeted at the upstream model, with the target's extra body fields. */
async function encodeBody(body: MediaBody, target: UpstreamTarget): Promise<EncodedBody> {
  if (body.kind === 'json') {
    const json = JSON.stringify({ ...body.json, model: target.model, ...target.extraBody });
    return { contentType: 'application/json', body: json, trace: json };
  }
  const form = new FormData();
  const trace: Record<string, string> = {};
  for (const [name, value] of body.form.entries()) {
    if (name === 'model') continue;
    form.append(name, value);
    trace[name] = typeof value === 'string' ? value : `<file ${value.name}, ${value.size} bytes, ${value.type}>`;
  }
  form.set('model', target.model);
  trace['model'] = target.model;
  for (const [name, value] of Object.entries(target.extraBody)) {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    form.set(name, text);
    trace[name] = text;
  }
  // The platform's own multipart encoder picks the boundary and writes the parts.
  const encoded = new Request('http://multipart.invalid', { method: 'POST', body: form });
  return {
    contentType: encoded.headers.get('content-type') ?? 'multipart/form-data',
    body: new Uint8Array(await encoded.arrayBuffer()),
    trace: JSON.stringify(trace),
  };
}

function parseJson(text: string, target: UpstreamTarget): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new GatewayException(ErrorCode.UPSTREAM_INVALID_RESPONSE, {
      message: `${target.provider}/${target.model} sent a body that is not valid JSON`,
      upstream: { provider: target.provider, model: target.model },
      cause: error,
    });
  }
}
