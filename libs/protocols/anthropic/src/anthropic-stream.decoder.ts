import {
  ErrorCode,
  GatewayException,
  emptyUsage,
  type BlockDelta,
  type CanonicalChunk,
  type Usage,
} from '@plexus/core';
import { ANTHROPIC_ERROR_STATUS } from './anthropic-error.encoder';
import type {
  AnthropicBlockDelta,
  AnthropicRedactedThinkingBlock,
  AnthropicResponseBlock,
  AnthropicStreamEvent,
  AnthropicTextBlock,
  AnthropicThinkingBlock,
  AnthropicToolUseBlock,
} from './anthropic.types';
import { decodeAnthropicStopReason, decodeAnthropicUsage, mergeAnthropicUsage } from './anthropic-usage';

interface OpenBlock {
  kind: 'text' | 'thinking' | 'redacted_thinking' | 'tool_call';
  hasArguments: boolean;
}

/**
 * Upstream Messages stream events to canonical chunks. Anthropic's blocks are the
 * canonical ones, so indexes are kept as they are; blocks without a canonical meaning
 * (server tools and their results) are skipped, deltas included.
 *
 * Usage comes twice: the input side in `message_start`, then cumulative totals in
 * `message_delta`; each is emitted as a complete `usage` chunk, the later one final.
 * An `error` event is thrown as a GatewayException, so the pipeline can fail over when
 * nothing reached the client yet, or end the client's stream with its own error event.
 */
export class AnthropicStreamDecoder {
  private started = false;
  private usage: Usage = emptyUsage();
  private readonly open = new Map<number, OpenBlock>();

  /** `data` is one SSE event's data field (already JSON-parsed); `eventName` its `event:` field. */
  decode(eventName: string | undefined, data: unknown): CanonicalChunk[] {
    // Malformed events (not an object) carry nothing to decode.
    if (typeof data !== 'object' || data === null) return [];
    const event = data as AnthropicStreamEvent;
    const type = (event as { type?: string }).type ?? eventName ?? '';
    const out: CanonicalChunk[] = [];
    if (!this.started && type !== 'ping') {
      this.started = true;
      const message =
        type === 'message_start'
          ? (event as Extract<AnthropicStreamEvent, { type: 'message_start' }>).message
          : undefined;
      out.push({
        type: 'start',
        id: message?.id ?? '',
        model: message?.model ?? '',
        created: Math.floor(Date.now() / 1000),
      });
    }
    switch (type) {
      case 'message_start': {
        const usage = (event as Extract<AnthropicStreamEvent, { type: 'message_start' }>).message?.usage;
        if (usage) {
          this.usage = decodeAnthropicUsage(usage);
          out.push({ type: 'usage', usage: this.usage });
        }
        return out;
      }
      case 'content_block_start': {
        const { index, content_block } = event as Extract<AnthropicStreamEvent, { type: 'content_block_start' }>;
        if (content_block) out.push(...this.startBlock(index, content_block));
        return out;
      }
      case 'content_block_delta': {
        const { index, delta } = event as Extract<AnthropicStreamEvent, { type: 'content_block_delta' }>;
        const block = this.open.get(index);
        const decoded = block && delta ? decodeDelta(delta) : null;
        if (block && decoded) {
          block.hasArguments ||= decoded.kind === 'tool_arguments';
          out.push({ type: 'block_delta', index, delta: decoded });
        }
        return out;
      }
      case 'content_block_stop': {
        const { index } = event as Extract<AnthropicStreamEvent, { type: 'content_block_stop' }>;
        const block = this.open.get(index);
        if (!block) return out;
        // A call without arguments streams no JSON at all; its arguments are still an object.
        if (block.kind === 'tool_call' && !block.hasArguments) {
          out.push({ type: 'block_delta', index, delta: { kind: 'tool_arguments', json: '{}' } });
        }
        this.open.delete(index);
        out.push({ type: 'block_stop', index });
        return out;
      }
      case 'message_delta': {
        const { delta, usage } = event as Extract<AnthropicStreamEvent, { type: 'message_delta' }>;
        if (delta?.stop_reason) {
          out.push({
            type: 'finish',
            reason: decodeAnthropicStopReason(delta.stop_reason),
            ...(typeof delta.stop_sequence === 'string' && { stopSequence: delta.stop_sequence }),
          });
        }
        if (usage) {
          this.usage = mergeAnthropicUsage(this.usage, usage);
          out.push({ type: 'usage', usage: this.usage });
        }
        return out;
      }
      case 'error': {
        const { error } = event as Extract<AnthropicStreamEvent, { type: 'error' }>;
        throw new GatewayException(ErrorCode.UPSTREAM_ERROR, {
          status: ANTHROPIC_ERROR_STATUS[error?.type] ?? 502,
          message: `Upstream stream error (${error?.type ?? 'unknown'}): ${error?.message ?? ''}`,
        });
      }
      default:
        // message_stop, ping, and event types added later (Anthropic's versioning policy).
        return out;
    }
  }

  /** Closes whatever is still open when the upstream ends early. */
  end(): CanonicalChunk[] {
    const indexes = [...this.open.keys()].sort((a, b) => a - b);
    this.open.clear();
    return indexes.map((index) => ({ type: 'block_stop', index }));
  }

  /** Some Anthropic-compatible upstreams put content in the start block: it is replayed as a delta. */
  private startBlock(index: number, block: AnthropicResponseBlock): CanonicalChunk[] {
    switch (block.type) {
      case 'text': {
        const { text } = block as AnthropicTextBlock;
        this.open.set(index, { kind: 'text', hasArguments: false });
        return [
          { type: 'block_start', index, block: { kind: 'text' } },
          ...(text ? [{ type: 'block_delta' as const, index, delta: { kind: 'text' as const, text } }] : []),
        ];
      }
      case 'thinking': {
        const { thinking, signature } = block as AnthropicThinkingBlock;
        this.open.set(index, { kind: 'thinking', hasArguments: false });
        return [
          { type: 'block_start', index, block: { kind: 'thinking' } },
          ...(thinking
            ? [{ type: 'block_delta' as const, index, delta: { kind: 'thinking' as const, text: thinking } }]
            : []),
          ...(signature
            ? [{ type: 'block_delta' as const, index, delta: { kind: 'signature' as const, signature } }]
            : []),
        ];
      }
      case 'redacted_thinking':
        this.open.set(index, { kind: 'redacted_thinking', hasArguments: false });
        return [
          {
            type: 'block_start',
            index,
            block: { kind: 'redacted_thinking', data: (block as AnthropicRedactedThinkingBlock).data },
          },
        ];
      case 'tool_use': {
        const { id, name, input } = block as AnthropicToolUseBlock;
        const inline = typeof input === 'object' && input !== null && Object.keys(input).length > 0;
        this.open.set(index, { kind: 'tool_call', hasArguments: inline });
        return [
          { type: 'block_start', index, block: { kind: 'tool_call', id, name } },
          ...(inline
            ? [
                {
                  type: 'block_delta' as const,
                  index,
                  delta: { kind: 'tool_arguments' as const, json: JSON.stringify(input) },
                },
              ]
            : []),
        ];
      }
      default:
        return [];
    }
  }
}

/** Empty JSON fragments carry nothing; citation deltas have no canonical delta. */
function decodeDelta(delta: AnthropicBlockDelta): BlockDelta | null {
  switch (delta.type) {
    case 'text_delta':
      return { kind: 'text', text: delta.text };
    case 'thinking_delta':
      return { kind: 'thinking', text: delta.thinking };
    case 'signature_delta':
      return { kind: 'signature', signature: delta.signature };
    case 'input_json_delta':
      return delta.partial_json === '' ? null : { kind: 'tool_arguments', json: delta.partial_json };
    case 'citations_delta':
      return null;
  }
}
