import { GatewayException, ResponseAccumulator, type CanonicalChunk, type CanonicalResponse } from '@plexus/core';
import type { FastifyReply } from 'fastify';
import type { Observable, Subscription } from 'rxjs';
import type { AuthenticatedRequest, RequestContext } from './request-context';
import { overheadHeader } from './upstream-timing';

/** Turns canonical chunks into one wire format's SSE frames. */
export interface StreamEncoder {
  encode(chunk: CanonicalChunk): string;
  /** Frames that close the stream. */
  end(): string;
}

export interface WireCodec {
  streamEncoder(): StreamEncoder;
  encodeResponse(response: CanonicalResponse): unknown;
}

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
};

/**
 * Writes an answer to the Fastify reply. Until the first chunk arrives nothing is sent,
 * so an early failure rejects and the format's exception filter answers with a proper
 * status; after that, a failure becomes the format's in-stream error event. Closing the
 * connection unsubscribes, which aborts the upstream call.
 */
export class ReplyWriter {
  constructor(
    private readonly reply: FastifyReply,
    private readonly headers: Record<string, string>,
  ) {}

  stream(chunks$: Observable<CanonicalChunk>, encoder: StreamEncoder): Promise<void> {
    const raw = this.reply.raw;
    const capture = this.responseCapture();
    return new Promise<void>((resolve, reject) => {
      let started = false;
      let subscription: Subscription | undefined = undefined;
      const onClose = (): void => {
        if (!raw.writableFinished) subscription?.unsubscribe();
        resolve();
      };
      raw.on('close', onClose);
      subscription = chunks$.subscribe({
        next: (chunk) => {
          if (!started) {
            started = true;
            this.reply.hijack();
            raw.writeHead(200, { ...SSE_HEADERS, ...this.headers, ...this.overhead() });
            this.context()?.clientFlow?.attach(raw);
          }
          const frame = encoder.encode(chunk);
          if (frame) {
            raw.write(frame);
            capture?.write(frame);
          }
        },
        error: (error: unknown) => {
          if (!started) {
            raw.off('close', onClose);
            reject(GatewayException.from(error));
            return;
          }
          const tail = encoder.encode({ type: 'error', error: GatewayException.from(error).body }) + encoder.end();
          raw.end(tail);
          capture?.write(tail);
          resolve();
        },
        complete: () => {
          if (!started) {
            this.reply.hijack();
            raw.writeHead(200, { ...SSE_HEADERS, ...this.headers, ...this.overhead() });
          }
          const tail = encoder.end();
          raw.end(tail);
          capture?.write(tail);
          resolve();
        },
      });
    });
  }

  private context(): RequestContext | undefined {
    return (this.reply.request as AuthenticatedRequest).plexusContext;
  }

  /** Where a traced request's answer is copied (see RequestContext.responseCapture). */
  private responseCapture(): RequestContext['responseCapture'] {
    return this.context()?.responseCapture;
  }

  /** The gateway's own time so far: for a stream, what it added before the first byte. */
  private overhead(): Record<string, string> {
    return overheadHeader(this.reply.elapsedTime, (this.reply.request as AuthenticatedRequest).plexusContext?.upstream);
  }

  /** `wrap` reshapes the JSON text (e.g. into a one-element array) without re-parsing it. */
  json(chunks$: Observable<CanonicalChunk>, codec: WireCodec, wrap?: (json: string) => string): Promise<void> {
    const raw = this.reply.raw;
    return new Promise<void>((resolve, reject) => {
      const accumulator = new ResponseAccumulator();
      let passthrough = '';
      let subscription: Subscription | undefined = undefined;
      const onClose = (): void => {
        if (!raw.writableFinished) subscription?.unsubscribe();
      };
      raw.on('close', onClose);
      subscription = chunks$.subscribe({
        next: (chunk) => {
          if (chunk.type === 'passthrough') passthrough += chunk.data;
          else accumulator.push(chunk);
        },
        error: (error: unknown) => {
          raw.off('close', onClose);
          reject(GatewayException.from(error));
        },
        complete: () => {
          raw.off('close', onClose);
          const json = passthrough || JSON.stringify(codec.encodeResponse(accumulator.result()));
          const body = wrap ? wrap(json) : json;
          this.responseCapture()?.write(body);
          this.reply
            .status(200)
            .headers({ ...this.headers, ...this.overhead(), 'content-type': 'application/json' })
            .send(body);
          resolve();
        },
      });
    });
  }
}
