import { Injectable } from '@nestjs/common';

/** A request being served, as the in-flight counts see it. */
export interface InFlightRequest {
  requestId: string;
  apiKey: string;
  /** The model the client asked for (an alias, `direct/...`, or a raw provider's path model). */
  model: string;
  /** Epoch milliseconds. */
  startedAt: number;
}

/**
 * The requests this replica is serving now: entered by `UsageRecorder.started`, left by
 * `record`. A plain map rather than a listener of the request event bus, so that bus
 * keeps its "nobody listens" shortcut when no live feed is open.
 */
@Injectable()
export class InFlightRegistry {
  private readonly requests = new Map<string, InFlightRequest>();

  started(request: InFlightRequest): void {
    this.requests.set(request.requestId, request);
  }

  finished(requestId: string): void {
    this.requests.delete(requestId);
  }

  /** Every request in flight; `drop` removes one that outlived any real request (its end was missed). */
  entries(): IterableIterator<InFlightRequest> {
    return this.requests.values();
  }

  drop(requestId: string): void {
    this.requests.delete(requestId);
  }
}
