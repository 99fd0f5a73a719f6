import type { CanonicalRequest } from '@plexus/core';

/** What shaping did to one attempt's request, for the usage row. */
export interface ShapingRecord {
  /** Set when the alias's vision fallthrough ran for a target that cannot see. */
  visionFallthrough?: {
    descriptorModel: string;
    described: number;
    /** Why some images were left as sent (refused URL, failed descriptor), or null. */
    error: string | null;
  };
  compaction?: { tokensBefore: number; tokensAfter: number };
}

/** The request one attempt sends. `rewritten`: it differs from the client's, so it never takes the byte pass-through. */
export interface ShapedRequest {
  request: CanonicalRequest;
  rewritten: boolean;
  record: ShapingRecord;
}
