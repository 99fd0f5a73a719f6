import { Injectable } from '@nestjs/common';
import { ErrorCode, GatewayException, emptyUsage } from '@plexus/core';
import { Observable } from 'rxjs';
import { upstreamHttpError, upstreamTransportError } from '../../upstream-error';
import { UpstreamHttpClient } from '../../upstream-http.client';
import { readLimited } from '../http-provider.adapter';
import type { MediaCall, MediaChunk } from '../openai-media/media-call';
import { decodeGeminiEmbeddings, encodeGeminiEmbeddings } from './gemini-embeddings.codec';

const MAX_ERROR_BODY = 64 * 1024;

/**
 * OpenAI embeddings served by a Gemini provider: the body becomes `:embedContent` or
 * `:batchEmbedContents`, and the answer an OpenAI embeddings list. Gemini reports no token
 * usage for embeddings, so none is recorded (per-request pricing still applies).
 */
@Injectable()
export class GeminiEmbeddingsAdapter {
  constructor(private readonly http: UpstreamHttpClient) {}

  execute(call: MediaCall): Observable<MediaChunk> {
    return new Observable<MediaChunk>((subscriber) => {
      const abort = new AbortController();
      let settled = false;
      this.run(call, abort.signal).then(
        (json) => {
          settled = true;
          subscriber.next({ type: 'head', contentType: 'application/json' });
          subscriber.next({ type: 'data', data: new TextEncoder().encode(json) });
          subscriber.next({ type: 'usage', usage: emptyUsage() });
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

  /** The OpenAI embeddings JSON text of the call's answer. */
  private async run(call: MediaCall, signal: AbortSignal): Promise<string> {
    const { target, observer } = call;
    if (call.body.kind !== 'json' || call.endpoint !== 'embeddings') {
      throw new GatewayException(ErrorCode.UNSUPPORTED_API_FORMAT, {
        message: `Provider '${target.provider}' speaks Gemini, which serves embeddings only among the media endpoints`,
      });
    }
    const { action, body } = encodeGeminiEmbeddings(call.body.json, target.model);
    const base = target.baseUrl.replace(/\/+$/, '').replace(/\/v1beta.*$/, '');
    const post = {
      url: `${base}/v1beta/models/${encodeURIComponent(target.model)}:${action}`,
      headers: {
        'content-type': 'application/json',
        ...(target.apiKey && { 'x-goog-api-key': target.apiKey }),
        ...target.headers,
      },
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
    const text = await response.body.text();
    observer?.body(text);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new GatewayException(ErrorCode.UPSTREAM_INVALID_RESPONSE, {
        message: `${target.provider}/${target.model} sent a body that is not valid JSON`,
        cause: error,
      });
    }
    return JSON.stringify(decodeGeminiEmbeddings(parsed, target.model));
  }
}
