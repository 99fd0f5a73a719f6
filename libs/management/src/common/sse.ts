import type { FastifyReply } from 'fastify';
import { interval, map, merge, type Observable } from 'rxjs';

/** How often an idle feed says it is alive (the reference: every 10 s). */
export const SSE_PING_INTERVAL_MS = 10_000;

export interface SseFrame {
  event: string;
  data: unknown;
  id?: string;
}

export function sseFrame(frame: SseFrame): string {
  return `event: ${frame.event}\ndata: ${JSON.stringify(frame.data)}\n${frame.id === undefined ? '' : `id: ${frame.id}\n`}\n`;
}

const pingFrame = (): SseFrame => ({ event: 'ping', data: { time: Date.now() } });

/**
 * Streams `frames$` to the client as server-sent events with a `ping` at once and then
 * every SSE_PING_INTERVAL_MS. The subscription ends when the client goes away, so an
 * abandoned feed leaves nothing subscribed.
 */
export function streamSse(reply: FastifyReply, frames$: Observable<SseFrame>): void {
  const raw = reply.raw;
  reply.hijack();
  // A client gone before the handler ran has already had its 'close': subscribing now would leak.
  if (raw.destroyed || !raw.socket || raw.socket.destroyed) {
    raw.end();
    return;
  }
  raw.writeHead(200, {
    ...(reply.getHeaders() as Record<string, string>),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  raw.write(sseFrame(pingFrame()));
  const subscription = merge(frames$, interval(SSE_PING_INTERVAL_MS).pipe(map(pingFrame))).subscribe({
    next: (frame) => raw.write(sseFrame(frame)),
    error: () => raw.end(),
  });
  raw.on('close', () => subscription.unsubscribe());
}
