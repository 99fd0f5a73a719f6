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
