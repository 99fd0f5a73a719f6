import type { ApiFormat, CanonicalChunk, CanonicalRequest } from '@plexus/core';
import type { Observable } from 'rxjs';

/** Everything an adapter needs to reach one provider model. */
export interface UpstreamTarget {
  provider: string;
  model: string;
  baseUrl: string;
  apiKey: string | null;
  headers: Record<string, string>;
  extraBody: Record<string, unknown>;
  /** Longest wait for the response headers, and between two body chunks. */
  timeoutMs: number;
  /** Stall detection for streamed answers; null or absent: none. */
  stall?: StallPolicy | null;
  /**
   * Set by the pipeline's credential step for an `oauth://` provider: `apiKey` is the
   * account's access token and the request takes the subscription's shape.
   */
  subscription?: { provider: string; accountId?: string };
  /** Claude Code's request shape for an API-key provider (`useClaudeMasking`). */
  claudeMasking?: boolean;
}

/**
 * When a streamed answer counts as stalled. Bytes are those of the SSE events' data
 * (keep-alive comments don't count), from the moment the request is sent.
 */
export interface StallPolicy {
  /** The first `ttfbBytes` must arrive within this; null disables the TTFB check. */
  ttfbMs: number | null;
  ttfbBytes: number;
  /** Least bytes per second over `windowMs`; null disables the throughput check. */
  minBytesPerSecond: number | null;
  windowMs: number;
  /** Throughput is enforced this long after the first `ttfbBytes` arrived. */
  gracePeriodMs: number;
}

/**
 * The client's side of a relayed answer. An adapter asks it before reading more of the
 * upstream's body, so a client that reads slowly slows the upstream read (TCP pushes back
 * to the provider) instead of making the gateway buffer the answer.
 */
export interface ClientFlow {
  /** Undefined while the client takes more; else settles once it does (or has gone). */
  ready(): Promise<void> | undefined;
}

export interface UpstreamCall {
  request: CanonicalRequest;
  target: UpstreamTarget;
  /**
   * Same format in and out: the client's own body, which the adapter re-targets at the
   * upstream model. The adapter relays the upstream's bytes as `passthrough` chunks and
   * only observes usage.
   */
  passthroughBody?: Record<string, unknown>;
  /**
   * An answer with no content is an error (EmptyCompletionError) rather than an answer:
   * set while another target could still be tried. Chunks are held back until content
   * arrives, so the failure comes before anything reached the client.
   */
  failOnEmpty?: boolean;
  /** Sees the call's bytes when the request is being traced; absent otherwise. */
  observer?: UpstreamObserver;
  /** Backpressure from the client; absent: the answer is read as fast as it comes. */
  flow?: ClientFlow;
}

/** What the adapter reports about one upstream call to a debug trace. */
export interface UpstreamObserver {
  request(info: { url: string; headers: Record<string, string>; body: string }): void;
  response(info: { status: number; headers: Record<string, string | string[] | undefined> }): void;
  /** Response body text as it arrives: the JSON body, an error body, or the raw SSE text. */
  body(text: string): void;
}

/**
 * Speaks one upstream API type. `execute` returns a cold Observable: each subscription
 * is one upstream call, and unsubscribing aborts it.
 */
export interface ProviderAdapter {
  readonly apiType: ApiFormat;
  execute(call: UpstreamCall): Observable<CanonicalChunk>;
}

/** DI token of the array of every registered adapter. */
export const PROVIDER_ADAPTERS = Symbol('PROVIDER_ADAPTERS');
