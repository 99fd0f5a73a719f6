import type { ContentPart } from './content';
import type { FinishReason } from './finish-reason';
import type { FormatExtensions } from './request';
import type { Usage } from './usage';

/** A complete (non-streamed) assistant answer. */
export interface CanonicalResponse {
  id: string;
  /** The upstream model that answered. */
  model: string;
  /** Unix seconds. */
  created: number;
  content: ContentPart[];
  finishReason: FinishReason;
  stopSequence?: string;
  usage?: Usage;
  extensions: FormatExtensions;
}
