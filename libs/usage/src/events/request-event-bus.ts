import { Injectable } from '@nestjs/common';
import { Subject, defer, finalize, from, interval, merge, mergeMap, type Observable } from 'rxjs';
import { GatewayMetrics } from '../gateway-metrics.service';
import type { UsageRecord } from '../usage-recorder.service';
import { progressOf, type InFlightProgress, type RequestProgressData } from './request-progress';

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

/** What a client of the live feed receives: the request events and, every second, each request's progress. */
export type FeedEvent = RequestEvent | { type: 'request.progress'; apiKey: string; data: RequestProgressData };

/** How often the live feed reports requests in flight (the reference: every second). */
export const PROGRESS_INTERVAL_MS = 1000;

/**
 * The live feed of requests. Emitting costs one check when nobody listens; every listener
 * is an RxJS subscription, so a closed feed unsubscribes and leaves nothing behind.
 */
@Injectable()
export class RequestEventBus {
  private readonly subject = new Subject<RequestEvent>();
  private clients = 0;
  private readonly inFlight = new Map<string, InFlightProgress>();

  constructor(metrics: GatewayMetrics) {
    metrics.gauge(
      'plexus_event_feed_subscribers',
      'Open live event feeds (GET /v0/management/events)',
      () => this.clients,
    );
  }

  /** Every event from now on, for listeners inside the gateway; unsubscribing ends the listener. */
  feed(): Observable<RequestEvent> {
    return this.subject.asObservable();
  }

  /**
   * The same for a client of the live feed, counted in `plexus_event_feed_subscribers`,
   * with each request's progress every PROGRESS_INTERVAL_MS.
   */
  clientFeed(): Observable<FeedEvent> {
    return defer(() => {
      this.clients++;
      const progress$ = interval(PROGRESS_INTERVAL_MS).pipe(
        mergeMap(() => from(this.progressEvents(performance.now()))),
      );
      return merge(this.subject, progress$).pipe(finalize(() => this.clients--));
    });
  }

  /** Starts following a request's output for `progress` events; `untrack` ends it. */
  track(requestId: string, apiKey: string): InFlightProgress {
    const progress: InFlightProgress = {
      requestId,
      apiKey,
      startedAt: performance.now(),
      firstOutputAt: null,
      chars: 0,
    };
    this.inFlight.set(requestId, progress);
    return progress;
  }

  untrack(requestId: string): void {
    this.inFlight.delete(requestId);
  }

  private progressEvents(now: number): FeedEvent[] {
    return [...this.inFlight.values()].map((request) => ({
      type: 'request.progress',
      apiKey: request.apiKey,
      data: progressOf(request, now),
    }));
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
