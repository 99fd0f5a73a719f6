import { createParser } from 'eventsource-parser';

/** One server-sent event as a client sees it. */
export interface SseEvent {
  /** The `event:` name, when the frame had one. */
  event: string | undefined;
  data: string;
}

/** Splits an SSE body into its events, the way an EventSource client would. */
export function parseSse(body: string): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = createParser({ onEvent: (event) => events.push({ event: event.event, data: event.data }) });
  parser.feed(body);
  return events;
}

/** The JSON data of each event; `[DONE]` and other non-JSON data are left out. */
export function jsonEvents(events: SseEvent[]): Array<{ event: string | undefined; json: unknown }> {
  const out: Array<{ event: string | undefined; json: unknown }> = [];
  for (const event of events) {
    try {
      out.push({ event: event.event, json: JSON.parse(event.data) as unknown });
    } catch {
      // not JSON: a terminator such as [DONE]
    }
  }
  return out;
}
