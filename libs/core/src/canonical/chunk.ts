import type { GatewayErrorBody } from '../errors/gateway-exception';
import type { CanonicalResponse } from './response';
import type { FinishReason } from './finish-reason';
import type { Usage } from './usage';

/** The kind of a content block opened in a stream. */
export type BlockStart =
  | { kind: 'text' }
  | { kind: 'thinking' }
  | { kind: 'redacted_thinking'; data: string }
  | { kind: 'tool_call'; id: string; name: string };

export type BlockDelta =
  | { kind: 'text'; text: string }
  | { kind: 'thinking'; text: string }
  | { kind: 'signature'; signature: string }
  | { kind: 'tool_arguments'; json: string };

/**
 * One event of an answer in flight. Content is a sequence of explicitly opened and
 * closed blocks (Anthropic's model, the most structured of the formats): decoders of
 * flatter formats synthesise block boundaries, encoders of flatter formats ignore them.
 *
 * `message` carries a whole non-streamed answer; `passthrough` carries a frame of the
 * client's own wire format relayed verbatim (same format in and out), in which case
 * the `usage` and `finish` chunks beside it are marked `observed` and not re-encoded.
 */
export type CanonicalChunk =
  | { type: 'start'; id: string; model: string; created: number }
  | { type: 'block_start'; index: number; block: BlockStart }
  | { type: 'block_delta'; index: number; delta: BlockDelta }
  | { type: 'block_stop'; index: number }
  | { type: 'usage'; usage: Usage; observed?: boolean }
  | { type: 'finish'; reason: FinishReason; stopSequence?: string; observed?: boolean }
  | { type: 'message'; response: CanonicalResponse }
  | { type: 'passthrough'; data: string }
  | { type: 'error'; error: GatewayErrorBody };
