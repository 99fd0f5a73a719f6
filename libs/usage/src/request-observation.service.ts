import { Injectable } from '@nestjs/common';
import type { CanonicalChunk } from '@plexus/core';
import { DebugTraceService } from './debug-traces/debug-trace.service';
import type { ResponseCapture, UpstreamCapture } from './debug-traces/request-trace';
import { RequestEventBus } from './events/request-event-bus';
import { outputChars } from './events/request-progress';
import { GatewayTelemetry } from './telemetry/gateway-telemetry.service';
import type { UsageRecord } from './usage-recorder.service';

export interface ObservedRequest {
  requestId: string;
  clientRequestId: string | null;
  startTime: Date;
  keyName: string;
  attribution: string | null;
  sourceIp: string | null;
  format: string;
  alias: string;
  stream: boolean;
  maxOutputTokens?: number;
  clientHeaders: Record<string, string | string[] | undefined>;
  clientUrl?: string;
  /** The client's body as received. */
  clientBody: unknown;
  /** Providers routing may try, in order. */
  providers: string[];
}

export interface ObservedTarget {
  provider: string;
  model: string;
  apiType: string;
  baseUrl: string;
  apiKey: string | null;
  /** The provider's custom upstream headers: their values are secrets like the key. */
  headers?: Record<string, string>;
}

/** The error as telemetry and traces name it: a gateway error code, else the error's name. */
export interface ObservedError {
  type: string;
  message: string;
  status: number | null;
}

/** Watches one request for debug traces, telemetry and the live feed. */
export interface RequestObserver {
  /** Where the reply writer copies what the client receives, when the request is traced. */
  readonly responseCapture: ResponseCapture | undefined;
  /** An attempt begins; returns the adapter's capture hook when the request is traced. */
  attemptStarted(target: ObservedTarget): UpstreamCapture | undefined;
  attemptFailed(target: ObservedTarget, error: ObservedError): void;
  /** A chunk on its way to the client (for the live feed's progress). */
  chunk(chunk: CanonicalChunk): void;
  finished(record: UsageRecord, error: ObservedError | null): void;
}

const UNOBSERVED: RequestObserver = {
  responseCapture: undefined,
  attemptStarted: () => undefined,
  attemptFailed: () => undefined,
  chunk: () => undefined,
  finished: () => undefined,
};

/**
 * One entry point for the pipeline's observers. When no trace is targeted, no OTLP
 * endpoint is configured and nobody watches the feed, a request gets a shared no-op.
 */
@Injectable()
export class RequestObservation {
  constructor(
    private readonly traces: DebugTraceService,
    private readonly telemetry: GatewayTelemetry,
    private readonly events: RequestEventBus,
  ) {}

  /** `describe` is only called when something observes requests. */
  begin(describe: () => ObservedRequest): RequestObserver {
    if (!this.traces.armed && !this.telemetry.enabled && !this.events.listening) return UNOBSERVED;
    const request = describe();
    const trace = this.traces.begin({
      requestId: request.requestId,
      keyName: request.keyName,
      alias: request.alias,
      format: request.format,
      clientHeaders: request.clientHeaders,
      ...(request.clientUrl !== undefined && { clientUrl: request.clientUrl }),
      clientBody: request.clientBody,
      providers: request.providers,
    });
    const span = this.telemetry.startRequest({
      requestId: request.requestId,
      format: request.format,
      alias: request.alias,
      stream: request.stream,
      ...(request.maxOutputTokens !== undefined && { maxOutputTokens: request.maxOutputTokens }),
      headers: request.clientHeaders,
    });
    if (this.events.listening) {
      this.events.emit({
        type: 'request.started',
        apiKey: request.keyName,
        data: {
          requestId: request.requestId,
          clientRequestId: request.clientRequestId,
          startTime: request.startTime,
          apiKey: request.keyName,
          attribution: request.attribution,
          sourceIp: request.sourceIp,
          incomingApiType: request.format,
          incomingModelAlias: request.alias,
          isStreamed: request.stream,
        },
      });
    }
    // Progress is followed only while someone watches the live feed.
    const progress = this.events.feedClients > 0 ? this.events.track(request.requestId, request.keyName) : null;
    if (!trace && !span && !progress) return UNOBSERVED;
    return {
      responseCapture: trace ?? undefined,
      attemptStarted: (target) => {
        span?.attemptStarted(target);
        return trace?.attempt(target);
      },
      attemptFailed: (target, error) => {
        span?.attemptFailed(error.type, error.status);
        trace?.attemptFailed(target.provider, error.message);
      },
      chunk: (chunk) => {
        if (!progress) return;
        const chars = outputChars(chunk);
        if (chars === 0) return;
        progress.firstOutputAt ??= performance.now();
        progress.chars += chars;
      },
      finished: (record, error) => {
        if (progress) this.events.untrack(request.requestId);
        span?.end(record, error?.type ?? null);
        if (trace)
          this.traces.finish(trace, {
            status: record.responseStatus,
            httpStatus: record.httpStatus,
            error: error?.message ?? null,
          });
      },
    };
  }
}
