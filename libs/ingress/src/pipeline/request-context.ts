import type { ApiKeyPrincipal } from '@plexus/auth';
import type { IncomingApiType } from '@plexus/core';
import type { ResponseCapture } from '@plexus/usage';
import type { IncomingHttpHeaders } from 'node:http';
import type { ShapingRecord } from '../shaping/shaping-record';
import type { UpstreamTiming } from './upstream-timing';
import type { WritableFlow } from './writable-flow';

/** What the gateway knows about one client request before it is routed. */
export interface RequestContext {
  requestId: string;
  clientRequestId: string | null;
  sourceIp: string | null;
  principal: ApiKeyPrincipal;
  /** The client's wire format; `raw` for the raw provider proxy, which has none of its own. */
  format: IncomingApiType | 'raw';
  /** Wall-clock start, for the usage record. */
  startTime: Date;
  /** Monotonic start (performance.now()), for latencies. */
  startedAt: number;
  /**
   * The answer's headers, one object for the whole request: the pipeline adds to it
   * (the `x-plexus-quota*` of the admission) before the first byte is written.
   */
  responseHeaders?: Record<string, string>;
  /** Time spent waiting on upstreams, for the answer's `x-plexus-overhead-ms`. */
  upstream: UpstreamTiming;
  /** The client's headers and URL, for a debug trace (redacted there). */
  clientHeaders?: IncomingHttpHeaders;
  clientUrl?: string;
  /** What the request-shaping step did to the latest attempt's request, for the usage row. */
  shaping?: ShapingRecord;
  /** Set on the gateway's own calls made for another request (an image descriptor's): that request's id. */
  parentRequestId?: string;
  /** Set when the request is traced: the reply writer copies the answer into it. */
  responseCapture?: ResponseCapture;
  /** The client connection's backpressure, handed to the upstream call (the reply writer attaches it). */
  clientFlow?: WritableFlow;
}

export interface AuthenticatedRequest {
  plexusPrincipal?: ApiKeyPrincipal;
  /** Set once the request has a context, so the reply writer and error filters can time it. */
  plexusContext?: RequestContext;
}
