import type { MediaApiType, Usage } from '@plexus/core';
import type { ClientFlow, UpstreamObserver, UpstreamTarget } from '../../provider-adapter';

/** The upstream path of each media endpoint, below the provider's OpenAI-compatible base URL. */
export type MediaEndpoint =
  'embeddings' | 'audio/transcriptions' | 'audio/speech' | 'images/generations' | 'images/edits';

/** Which alias and usage type a media endpoint belongs to. */
export const MEDIA_ENDPOINT_TYPES: Readonly<Record<MediaEndpoint, MediaApiType>> = {
  embeddings: 'embeddings',
  'audio/transcriptions': 'transcriptions',
  'audio/speech': 'speech',
  'images/generations': 'images',
  'images/edits': 'images',
};

/** The client's body, relayed in its own encoding with only `model` re-targeted. */
export type MediaBody = { kind: 'json'; json: Record<string, unknown> } | { kind: 'multipart'; form: FormData };

export interface MediaCall {
  endpoint: MediaEndpoint;
  target: UpstreamTarget;
  body: MediaBody;
  observer?: UpstreamObserver;
  flow?: ClientFlow;
}

/**
 * What a media call yields: the answer's content type first, then its bytes as they
 * arrive (relayed untouched: audio, JSON or text), and last the usage the upstream
 * reported (zero when it reports none, so per-request pricing still applies).
 */
export type MediaChunk =
  | {
      type: 'head';
      contentType: string;
      /** A relay that keeps the upstream's status and headers (raw pass-through) sets them; else 200. */
      status?: number;
      headers?: Record<string, string | string[]>;
    }
  | { type: 'data'; data: Uint8Array }
  | { type: 'usage'; usage: Usage };
