import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import { EventSourceParserStream } from 'eventsource-parser/stream';
import { ApiConfiguration } from '../api/api-configuration';
import { eventsControllerEvents } from '../api/fn/events/events-controller-events';
import type { UsageRecordDto } from '../api/models/usage-record-dto';
import { AdminSession } from './admin-session';

/** A request as the live feed knows it: `started` gives the incoming side, `completed` the whole record. */
export type LiveRecord = Partial<UsageRecordDto> & { requestId: string };

export interface LiveEvent {
  readonly type: 'started' | 'completed';
  readonly record: LiveRecord;
}

/** The newest requests first, one row per request: a completion replaces its start in place. */
export function applyLiveEvent(feed: readonly LiveRecord[], event: LiveEvent, limit: number): LiveRecord[] {
  const index = feed.findIndex((record) => record.requestId === event.record.requestId);
  if (index >= 0) {
    const next = [...feed];
    next[index] = { ...feed[index], ...event.record };
    return next;
  }
  if (
    event.type === 'completed' &&
    feed.length >= limit &&
    feed.every((record) => (record.startTime ?? 0) > (event.record.startTime ?? 0))
  )
    return [...feed];
  return [event.record, ...feed].slice(0, limit);
}

/** Reads one SSE message of the events endpoint; pings and anything malformed give null. */
export function liveEventOf(event: string | undefined, data: string): LiveEvent | null {
  if (event !== 'started' && event !== 'completed') return null;
  try {
    const record = JSON.parse(data) as unknown;
    if (
      typeof record !== 'object' ||
      record === null ||
      typeof (record as { requestId?: unknown }).requestId !== 'string'
    )
      return null;
    return { type: event, record: record as LiveRecord };
  } catch {
    return null;
  }
}

export type LiveState = 'connecting' | 'live' | 'reconnecting';

const RETRY_MS = [1000, 2000, 5000, 10_000];

/**
 * The live request feed of GET /v0/management/events. EventSource cannot send the key header,
 * so this streams it with fetch on the generated client's path and root URL, and reconnects
 * with backoff. One per component (provide it in the component).
 */
@Injectable()
export class LiveEvents {
  private readonly config = inject(ApiConfiguration);
  private readonly session = inject(AdminSession);
  private readonly abort = new AbortController();
  private retry = 0;

  readonly state = signal<LiveState>('connecting');
  readonly feed = signal<LiveRecord[]>([]);

  constructor() {
    inject(DestroyRef).onDestroy(() => this.abort.abort());
  }

  start(limit: number): void {
    void this.run(limit);
  }

  private async run(limit: number): Promise<void> {
    while (!this.abort.signal.aborted) {
      try {
        await this.stream(limit);
      } catch {
        // Dropped or refused: retried below, unless the page is gone.
      }
      if (this.abort.signal.aborted) return;
      this.state.set('reconnecting');
      const wait = RETRY_MS[Math.min(this.retry, RETRY_MS.length - 1)] ?? 10_000;
      this.retry += 1;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  private async stream(limit: number): Promise<void> {
    const response = await fetch(`${this.config.rootUrl}${eventsControllerEvents.PATH}`, {
      headers: { accept: 'text/event-stream', ...this.session.authHeaders() },
      signal: this.abort.signal,
    });
    if (!response.ok || response.body === null) throw new Error(`HTTP ${response.status}`);
    this.state.set('live');
    this.retry = 0;
    const messages = response.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());
    for await (const message of messages) {
      const event = liveEventOf(message.event, message.data);
      if (event !== null) this.feed.update((feed) => applyLiveEvent(feed, event, limit));
    }
  }
}
