import type { CanonicalChunk } from '@plexus/core';

/** A request in flight as the live feed's `progress` events show it. */
export interface InFlightProgress {
  requestId: string;
  apiKey: string;
  /** Monotonic start, performance.now(). */
  startedAt: number;
  /** Monotonic time of the first output, or null before it. */
  firstOutputAt: number | null;
  /** Output characters so far (for a relayed stream, its frames). */
  chars: number;
}

export interface RequestProgressData {
  requestId: string;
  elapsedMs: number;
  bytes: number;
  /** About four characters per token: the feed's estimate, not the billed count. */
  estimatedTokens: number;
  estimatedTokensPerSec: number | null;
}

const CHARS_PER_TOKEN = 4;

/** Output characters a chunk carries. */
export function outputChars(chunk: CanonicalChunk): number {
  switch (chunk.type) {
    case 'block_delta':
      return chunk.delta.kind === 'tool_arguments'
        ? chunk.delta.json.length
        : chunk.delta.kind === 'signature'
          ? 0
          : chunk.delta.text.length;
    case 'passthrough':
      return chunk.data.length;
    case 'start':
    case 'block_start':
    case 'block_stop':
    case 'usage':
    case 'finish':
    case 'message':
    case 'error':
      return 0;
  }
}

export function progressOf(request: InFlightProgress, now: number): RequestProgressData {
  const estimatedTokens = Math.round(request.chars / CHARS_PER_TOKEN);
  const generatingMs = request.firstOutputAt === null ? 0 : now - request.firstOutputAt;
  return {
    requestId: request.requestId,
    elapsedMs: Math.round(now - request.startedAt),
    bytes: request.chars,
    estimatedTokens,
    estimatedTokensPerSec: generatingMs > 0 ? Math.round((estimatedTokens / generatingMs) * 1000 * 10) / 10 : null,
  };
}
