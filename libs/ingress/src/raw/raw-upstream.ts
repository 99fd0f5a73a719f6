import { ErrorCode, GatewayException, type Usage } from '@plexus/core';
import type { ClientFlow, MediaChunk, UpstreamObserver } from '@plexus/providers';
import type { FastifyRequest } from 'fastify';
import { Observable } from 'rxjs';
import { request as upstreamRequest, type Dispatcher } from 'undici';
import { RawUsageObserver, type RawUsage } from './raw-usage.observer';

/** The client's credentials for Plexus: never relayed (the provider's key is injected instead). */
const CLIENT_CREDENTIAL_HEADERS = new Set([
  'authorization',
  'api-key',
  'proxy-authorization',
  'x-admin-key',
  'x-api-key',
  'x-goog-api-key',
]);

/** Hop-by-hop headers (RFC 9110 §7.6.1): never relayed either way. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Set by the HTTP client itself on the upstream request. */
const CLIENT_SET = new Set(['host', 'content-length']);

export type AuthStyle = 'bearer' | 'x-api-key' | 'x-goog-api-key';

export interface RawTarget {
  provider: string;
  baseUrl: string;
  auth: AuthStyle;
  apiKey: string | null;
}

export interface RawCall {
  request: FastifyRequest;
  target: RawTarget;
  /** The upstream path and query, the client's `?key=` removed. */
  path: string;
  body: Buffer | undefined;
  timeoutMs: number;
  dispatcher: Dispatcher;
  /** Read the answer's usage (an LLM path); its tokens and model go to `onUsage`. */
  readsUsage: boolean;
  onHead(status: number, contentType: string): void;
  onUsage(usage: RawUsage): void;
  observer?: UpstreamObserver;
  flow?: ClientFlow;
}

/**
 * One raw upstream call as the lifecycle's attempt: cold, the answer's status and headers
 * (hop-by-hop ones dropped) as the head, then its bytes as they arrive, read only as fast
 * as the client takes them, then the usage read from them. Unsubscribing aborts the call.
 */
export function rawUpstreamCall(call: RawCall): Observable<MediaChunk> {
  return new Observable<MediaChunk>((subscriber) => {
    const abort = new AbortController();
    let settled = false;
    const run = async (): Promise<void> => {
      const url = `${call.target.baseUrl}${call.path}`;
      const headers = upstreamHeaders(call.request, call.target);
      call.observer?.request({ url, headers: flatten(headers), body: call.body?.toString('utf8') ?? '' });
      let answer: Dispatcher.ResponseData;
      try {
        answer = await upstreamRequest(url, {
          method: call.request.method,
          headers,
          ...(call.body !== undefined && { body: call.body }),
          signal: abort.signal,
          dispatcher: call.dispatcher,
          headersTimeout: call.timeoutMs,
          bodyTimeout: call.timeoutMs,
        });
      } catch (error) {
        throw new GatewayException(ErrorCode.UPSTREAM_UNREACHABLE, {
          message: `Provider '${call.target.provider}' could not be reached: ${(error as Error).message}`,
          cause: error,
        });
      }
      call.observer?.response({ status: answer.statusCode, headers: answer.headers });
      const contentType = single(answer.headers['content-type']) ?? '';
      call.onHead(answer.statusCode, contentType);
      const relayed: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        if (value !== undefined && !HOP_BY_HOP.has(name.toLowerCase())) relayed[name] = value;
      }
      subscriber.next({ type: 'head', contentType, status: answer.statusCode, headers: relayed });
      const usage = call.readsUsage ? new RawUsageObserver() : null;
      for await (const chunk of answer.body) {
        const data = chunk as Buffer;
        usage?.push(data);
        subscriber.next({ type: 'data', data });
        const drained = call.flow?.ready();
        if (drained) await drained;
      }
      if (usage) {
        const read = usage.usage(contentType);
        call.onUsage(read);
        subscriber.next({ type: 'usage', usage: canonicalUsage(read) });
      }
    };
    run().then(
      () => {
        settled = true;
        subscriber.complete();
      },
      (error: unknown) => {
        settled = true;
        if (!abort.signal.aborted) subscriber.error(error);
      },
    );
    return () => {
      if (!settled) abort.abort();
    };
  });
}

function canonicalUsage(usage: RawUsage): Usage {
  return {
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    cacheReadTokens: usage.cachedTokens,
    cacheWriteTokens: 0,
    reasoningTokens: usage.reasoningTokens,
  };
}

function upstreamHeaders(request: FastifyRequest, target: RawTarget): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    const lower = name.toLowerCase();
    if (
      value === undefined ||
      CLIENT_CREDENTIAL_HEADERS.has(lower) ||
      HOP_BY_HOP.has(lower) ||
      CLIENT_SET.has(lower) ||
      lower.startsWith('x-plexus-')
    )
      continue;
    headers[lower] = value;
  }
  if (target.apiKey) {
    if (target.auth === 'bearer') headers['authorization'] = `Bearer ${target.apiKey}`;
    else headers[target.auth] = target.apiKey;
  }
  return headers;
}

function flatten(headers: Record<string, string | string[]>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value].flat().join(', ')]));
}

export function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
