import { Injectable } from '@nestjs/common';
import { Subject, defer, finalize, type Observable } from 'rxjs';
import { GatewayMetrics } from '../gateway-metrics.service';
import type { UsageRecord } from '../usage-recorder.service';

/** What is known of a request when it enters the pipeline. */
export interface RequestStartedData {
  requestId: string;
  clientRequestId: string | null;
  startTime: Date;
  apiKey: string;
  attribution: string | null;
  sourceIp: string | null;
  incomingApiType: string;
  incomingModelAlias: string;
  isStreamed: boolean;
}

/** Request lifecycle events, in one typed map (dotted, past tense). */
export type RequestEvent =
  | { type: 'request.started'; apiKey: string; data: RequestStartedData }
  | { type: 'request.completed'; apiKey: string | null; record: UsageRecord };

/**
 * The live feed of requests. Emitting costs one check when nobody listens; every listener
 * is an RxJS subscription, so a closed feed unsubscribes and leaves nothing behind.
 */
@Injectable()
export class RequestEventBus {
  private readonly subject = new Subject<RequestEvent>();
  private clients = 0;

  constructor(metrics: GatewayMetrics) {
    metrics.gauge('plexus_event_feed_subscribers', 'Open live event feeds (GET /v0/management/events)', () => this.clients);
  }

  /** Every event from now on, for listeners inside the gateway; unsubscribing ends the listener. */
  feed(): Observable<RequestEvent> {
    return this.subject.asObservable();
  }

  /** The same for a client of the live feed, counted in `plexus_event_feed_subscribers`. */
  clientFeed(): Observable<RequestEvent> {
    return defer(() => {
      this.clients++;
      return this.subject.pipe(finalize(() => this.clients--));
    });
  }

  get listening(): boolean {
    return this.subject.observed;
  }

  get feedClients(): number {
    return this.clients;
  }

  emit(event: RequestEvent): void {
    if (this.subject.observed) this.subject.next(event);
  }
}
