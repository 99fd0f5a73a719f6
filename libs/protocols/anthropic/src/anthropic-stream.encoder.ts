import {
  emptyUsage,
  type BlockDelta,
  type BlockStart,
  type CanonicalChunk,
  type CanonicalResponse,
  type ContentPart,
  type FinishReason,
  type Usage,
} from '@plexus/core';
import type { AnthropicBlockDelta, AnthropicResponseBlock, AnthropicStreamEvent } from './anthropic.types';
import { encodeAnthropicErrorBody } from './anthropic-error.encoder';
import { encodeAnthropicStopReason, encodeAnthropicUsage } from './anthropic-usage';

export interface AnthropicStreamEncoderOptions {
  /** Used until the upstream's own `start` arrives. */
  fallbackId: string;
  fallbackModel: string;
}

/**
 * Canonical chunks to Messages SSE frames (`event: <type>` + `data: <json>`), for a client
 * that speaks Anthropic. `message_start` waits one chunk after `start`, so that the usage
 * an Anthropic upstream reports up front rides in it; `message_delta` is written at end()
 * so that it carries the final usage whether it came before or after the finish.
 */
export class AnthropicStreamEncoder {
  private id: string;
  private model: string;
  private startPending = false;
  private started = false;
  private usage: Usage | null = null;
  private finish: { reason: FinishReason; stopSequence?: string } | null = null;
  private finishRelayed = false;
  private failed = false;
  /** Canonical block index to the client's index: Anthropic's indexes count from 0 without gaps. */
  private nextIndex = 0;
  private readonly indexes = new Map<number, number>();
  private readonly open = new Set<number>();

  constructor(options: AnthropicStreamEncoderOptions) {
    this.id = options.fallbackId;
    this.model = options.fallbackModel;
  }

  encode(chunk: CanonicalChunk): string {
    if (this.failed) return '';
    switch (chunk.type) {
      case 'passthrough':
        this.started = true;
        return chunk.data;
      case 'start':
        this.id = chunk.id || this.id;
        this.model = chunk.model || this.model;
        this.startPending = true;
        return '';
      case 'usage':
        if (chunk.observed) return '';
        this.usage = chunk.usage;
        return this.startPending ? this.opening() : '';
      case 'finish':
        if (chunk.observed) this.finishRelayed = true;
        else
          this.finish = {
            reason: chunk.reason,
            ...(chunk.stopSequence !== undefined && { stopSequence: chunk.stopSequence }),
          };
        return '';
      case 'block_start':
        return this.opening() + this.blockStart(chunk.index, chunk.block);
      case 'block_delta':
        return this.opening() + this.blockDelta(chunk.index, chunk.delta);
      case 'block_stop':
        return this.blockStop(chunk.index);
      case 'message':
        return this.whole(chunk.response);
      case 'error':
        this.failed = true;
        return frame(encodeAnthropicErrorBody(chunk.error));
    }
  }

  /** The closing frames: open blocks closed, then message_delta and message_stop (end_turn if no finish came). */
  end(): string {
    if (this.failed || this.finishRelayed) return '';
    let out = this.opening();
    for (const index of [...this.open]) out += this.blockStop(index);
    const finish = this.finish ?? { reason: 'stop' };
    out += frame({
      type: 'message_delta',
      delta: { stop_reason: encodeAnthropicStopReason(finish.reason), stop_sequence: finish.stopSequence ?? null },
      usage: encodeAnthropicUsage(this.usage ?? emptyUsage()),
    });
    return out + frame({ type: 'message_stop' });
  }

  private opening(): string {
    if (this.started) return '';
    this.started = true;
    this.startPending = false;
    // Anthropic follows message_start with a ping; clients written against it expect one.
    return (
      frame({
        type: 'message_start',
        message: {
          id: this.id,
          type: 'message',
          role: 'assistant',
          model: this.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: encodeAnthropicUsage(this.usage ?? emptyUsage()),
        },
      }) + frame({ type: 'ping' })
    );
  }

  private blockStart(canonicalIndex: number, block: BlockStart): string {
    const index = this.nextIndex++;
    this.indexes.set(canonicalIndex, index);
    this.open.add(canonicalIndex);
    return frame({ type: 'content_block_start', index, content_block: contentBlockOf(block) });
  }

  /** A text or thinking delta whose block never opened opens it; loose tool arguments have no call to join. */
  private blockDelta(canonicalIndex: number, delta: BlockDelta): string {
    let out = '';
    if (!this.open.has(canonicalIndex)) {
      if (delta.kind === 'tool_arguments') return '';
      out += this.blockStart(canonicalIndex, { kind: delta.kind === 'text' ? 'text' : 'thinking' });
    }
    const index = this.indexes.get(canonicalIndex) ?? 0;
    return out + frame({ type: 'content_block_delta', index, delta: encodeDelta(delta) });
  }

  private blockStop(canonicalIndex: number): string {
    if (!this.open.delete(canonicalIndex)) return '';
    return frame({ type: 'content_block_stop', index: this.indexes.get(canonicalIndex) ?? 0 });
  }

  /** A whole answer where a stream was expected: replayed as the events that would have built it. */
  private whole(response: CanonicalResponse): string {
    let out = this.encode({ type: 'start', id: response.id, model: response.model, created: response.created });
    if (response.usage) out += this.encode({ type: 'usage', usage: response.usage });
    const base = this.nextIndex;
    response.content.forEach((part, offset) => {
      for (const chunk of partChunks(part, base + offset)) out += this.encode(chunk);
    });
    this.finish = {
      reason: response.finishReason,
      ...(response.stopSequence !== undefined && { stopSequence: response.stopSequence }),
    };
    return out;
  }
}

function frame(event: AnthropicStreamEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** Blocks open empty, as Anthropic's do: a thinking block's signature comes as a delta. */
function contentBlockOf(block: BlockStart): AnthropicResponseBlock {
  switch (block.kind) {
    case 'text':
      return { type: 'text', text: '' };
    case 'thinking':
      return { type: 'thinking', thinking: '', signature: '' };
    case 'redacted_thinking':
      return { type: 'redacted_thinking', data: block.data };
    case 'tool_call':
      return { type: 'tool_use', id: block.id, name: block.name, input: {} };
  }
}

function encodeDelta(delta: BlockDelta): AnthropicBlockDelta {
  switch (delta.kind) {
    case 'text':
      return { type: 'text_delta', text: delta.text };
    case 'thinking':
      return { type: 'thinking_delta', thinking: delta.text };
    case 'signature':
      return { type: 'signature_delta', signature: delta.signature };
    case 'tool_arguments':
      return { type: 'input_json_delta', partial_json: delta.json };
  }
}

function partChunks(part: ContentPart, index: number): CanonicalChunk[] {
  const open = (block: BlockStart): CanonicalChunk => ({ type: 'block_start', index, block });
  const delta = (value: BlockDelta): CanonicalChunk => ({ type: 'block_delta', index, delta: value });
  const stop: CanonicalChunk = { type: 'block_stop', index };
  switch (part.type) {
    case 'text':
      return [open({ kind: 'text' }), delta({ kind: 'text', text: part.text }), stop];
    case 'thinking':
      return [
        open({ kind: 'thinking' }),
        delta({ kind: 'thinking', text: part.text }),
        ...(part.signature ? [delta({ kind: 'signature', signature: part.signature })] : []),
        stop,
      ];
    case 'redacted_thinking':
      return [open({ kind: 'redacted_thinking', data: part.data }), stop];
    case 'tool_call':
      return [
        open({ kind: 'tool_call', id: part.id, name: part.name }),
        delta({ kind: 'tool_arguments', json: part.arguments }),
        stop,
      ];
    case 'image':
    case 'document':
    case 'audio':
    case 'tool_result':
      return [];
  }
}
