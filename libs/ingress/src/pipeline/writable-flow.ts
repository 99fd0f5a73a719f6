import type { ClientFlow } from '@plexus/providers';
import type { Writable } from 'node:stream';

/**
 * Backpressure from the client's connection to the upstream read. The reply writer
 * attaches the connection once the answer begins; while its buffer is over the high-water
 * mark, `ready` hands the adapter a promise that settles on `drain` (or `close`, when the
 * unsubscription that follows aborts the upstream call). One promise is shared by every
 * waiter of the same drain.
 */
export class WritableFlow implements ClientFlow {
  private writable: Writable | null = null;
  private drained: Promise<void> | null = null;

  attach(writable: Writable): void {
    this.writable = writable;
  }

  ready(): Promise<void> | undefined {
    const writable = this.writable;
    if (writable === null || !writable.writableNeedDrain || writable.destroyed) return undefined;
    this.drained ??= new Promise<void>((resolve) => {
      const done = (): void => {
        writable.off('drain', done);
        writable.off('close', done);
        this.drained = null;
        resolve();
      };
      writable.on('drain', done);
      writable.on('close', done);
    });
    return this.drained;
  }
}
