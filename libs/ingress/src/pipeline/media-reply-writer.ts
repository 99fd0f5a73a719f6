import { GatewayException } from '@plexus/core';
import type { MediaChunk } from '@plexus/providers';
import type { FastifyReply } from 'fastify';
import type { Observable, Subscription } from 'rxjs';
import type { AuthenticatedRequest } from './request-context';
import { overheadHeader } from './upstream-timing';

/** Answers whose text a debug trace keeps; audio and other bytes are left out. */
const TEXTUAL = /^(text\/|application\/(json|[\w.+-]*\+json))/i;

/**
 * Writes a media or raw answer (MediaChunk) to the Fastify reply (raw's with the
 * upstream's own status and headers): nothing is sent until the
 * upstream's answer has begun, so a failure before it rejects and the exception filter
 * answers with a proper status; after that the upstream's bytes are relayed as they
 * arrive under its content type. A failure mid-answer can only cut the connection, as the
 * bytes (audio) have no error event. Closing the connection aborts the upstream call.
 */
export class MediaReplyWriter {
  constructor(
    private readonly reply: FastifyReply,
    private readonly headers: Record<string, string>,
  ) {}

  write(chunks$: Observable<MediaChunk>): Promise<void> {
    const raw = this.reply.raw;
    const context = (this.reply.request as AuthenticatedRequest).plexusContext;
    return new Promise<void>((resolve, reject) => {
      let started = false;
      let traced = false;
      let subscription: Subscription | undefined = undefined;
      const onClose = (): void => {
        if (!raw.writableFinished) subscription?.unsubscribe();
        resolve();
      };
      raw.on('close', onClose);
      const begin = (head: Extract<MediaChunk, { type: 'head' }>): void => {
        const { contentType } = head;
        started = true;
        traced = TEXTUAL.test(contentType);
        this.reply.hijack();
        const overhead = overheadHeader(this.reply.elapsedTime, context?.upstream);
        raw.writeHead(
          head.status ?? 200,
          head.headers
            ? { ...head.headers, ...this.headers, ...overhead }
            : {
                ...this.headers,
                ...overhead,
                'content-type': contentType,
                ...(/^text\/event-stream/i.test(contentType) && {
                  'cache-control': 'no-cache',
                  'x-accel-buffering': 'no',
                }),
              },
        );
        context?.clientFlow?.attach(raw);
      };
      subscription = chunks$.subscribe({
        next: (chunk) => {
          if (chunk.type === 'head') begin(chunk);
          else if (chunk.type === 'data') {
            raw.write(chunk.data);
            if (traced) context?.responseCapture?.write(Buffer.from(chunk.data).toString('utf8'));
          }
        },
        error: (error: unknown) => {
          if (!started) {
            raw.off('close', onClose);
            reject(GatewayException.from(error));
            return;
          }
          raw.destroy();
          resolve();
        },
        complete: () => {
          if (!started) begin({ type: 'head', contentType: 'application/octet-stream' });
          raw.end();
          resolve();
        },
      });
    });
  }
}
