import { createHash } from 'node:crypto';

/** A strong entity tag: the SHA-256 of the exact bytes served. */
export function entityTagOf(body: string | Buffer): string {
  return `"${createHash('sha256').update(body).digest('hex')}"`;
}

export type ConditionalOutcome = 'send' | 'not-modified' | 'invalid';

export interface ConditionalGetParams {
  ifNoneMatch?: string | string[] | undefined;
  ifModifiedSince?: string | string[] | undefined;
  etag: string;
  /** The time the representation last changed; If-Modified-Since is ignored without it. */
  lastModified?: Date;
}

const ENTITY_TAG_LIST = /^\s*(?:W\/)?"[\x21\x23-\x7e\x80-\xff]*"\s*(?:,\s*(?:W\/)?"[\x21\x23-\x7e\x80-\xff]*"\s*)*$/;

/**
 * RFC 9110 §13.1: If-None-Match (weak comparison, `*` matches) decides when present and
 * If-Modified-Since is then ignored; an unparsable date is ignored as the RFC asks, but a
 * malformed If-None-Match is the client's error ('invalid').
 */
export function evaluateConditionalGet(params: ConditionalGetParams): ConditionalOutcome {
  const ifNoneMatch = single(params.ifNoneMatch);
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch.trim() === '*') return 'not-modified';
    if (!ENTITY_TAG_LIST.test(ifNoneMatch)) return 'invalid';
    const wanted = opaque(params.etag);
    const matches = ifNoneMatch.split(',').some((tag) => opaque(tag.trim()) === wanted);
    return matches ? 'not-modified' : 'send';
  }
  const ifModifiedSince = single(params.ifModifiedSince);
  if (ifModifiedSince === undefined || params.lastModified === undefined) return 'send';
  const since = Date.parse(ifModifiedSince);
  if (Number.isNaN(since)) return 'send';
  // HTTP dates have whole seconds.
  return Math.floor(params.lastModified.getTime() / 1000) * 1000 <= since ? 'not-modified' : 'send';
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

function opaque(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}
