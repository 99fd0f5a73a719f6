import { pipeline as chain, Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { extract as tarExtract } from 'tar-stream';

/** What one restore may unpack, so a small archive can't expand to exhaust memory or disk. */
export interface ArchiveLimits {
  /** Decompressed bytes, the tar and every gzipped table in it together. */
  maxBytes: number;
  /** Entries in the tar. */
  maxEntries: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = { maxBytes: 4 * 1024 ** 3, maxEntries: 256 };

/** Not a readable full backup (not gzip, truncated, not a tar, over a limit): answered 400. */
export class InvalidArchiveError extends Error {}

/** Counts decompressed bytes against the restore's budget and fails the stream past it. */
class ByteBudget {
  private used = 0;

  constructor(private readonly maxBytes: number) {}

  meter(): Transform {
    return new Transform({
      transform: (chunk: Buffer, _encoding, callback: TransformCallback) => {
        this.used += chunk.length;
        if (this.used > this.maxBytes) {
          callback(new InvalidArchiveError(`it unpacks to more than ${this.maxBytes} bytes`));
          return;
        }
        callback(null, chunk);
      },
    });
  }
}

/**
 * Streams a gzipped tar, handing each file entry to `onEntry` in archive order, with every
 * gzipped entry's content decompressed on the way (under the same byte budget). `onEntry`
 * must consume the stream it is given. Nothing is buffered here beyond stream chunks.
 */
export async function readBackupArchive(
  source: Readable,
  limits: ArchiveLimits,
  onEntry: (name: string, content: Readable) => Promise<void>,
): Promise<void> {
  const budget = new ByteBudget(limits.maxBytes);
  const extract = tarExtract();
  const unpacked = pipeline(source, createGunzip(), budget.meter(), extract).catch((error: unknown) => {
    throw error instanceof InvalidArchiveError ? error : new InvalidArchiveError((error as Error).message);
  });
  // The consumer's failure surfaces below; this keeps the unpacking's from going unhandled meanwhile.
  unpacked.catch(() => undefined);
  let entries = 0;
  try {
    for await (const entry of extract) {
      entries += 1;
      if (entries > limits.maxEntries) throw new InvalidArchiveError(`it holds more than ${limits.maxEntries} entries`);
      const name = entry.header.name.replace(/^\.\//, '');
      if (entry.header.type !== 'file' || name.includes('/') || name.startsWith('.')) {
        throw new InvalidArchiveError(`unexpected entry ${JSON.stringify(name)}`);
      }
      if (name.endsWith('.gz')) {
        await onEntry(name.slice(0, -'.gz'.length), chain(entry, createGunzip(), budget.meter(), ignore));
      } else {
        await onEntry(name, chain(entry, budget.meter(), ignore));
      }
      entry.resume();
    }
  } catch (error) {
    source.destroy();
    extract.destroy();
    throw asArchiveError(error);
  }
  await unpacked;
}

/** The consumer's own failures pass; failures of the archive's bytes (gzip, tar, limits) become InvalidArchiveError. */
function asArchiveError(error: unknown): unknown {
  // Not `instanceof Error`: Node's own errors may come from another realm (a test's VM context).
  if (error instanceof InvalidArchiveError || typeof error !== 'object' || error === null) return error;
  const { code, message } = error as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : '';
  const fromBytes = (typeof code === 'string' && code.startsWith('Z_')) || /tar|gzip|unexpected end/i.test(text);
  return fromBytes ? new InvalidArchiveError(text) : error;
}

/** Errors reach whoever reads the chain's last stream, which the chain destroys with them. */
function ignore(): void {}

/** A whole small entry (config.json, manifest.json), within `maxBytes`. */
export async function readEntryText(content: Readable, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of content) {
    length += (chunk as Buffer).length;
    if (length > maxBytes) throw new InvalidArchiveError(`an entry is larger than ${maxBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
