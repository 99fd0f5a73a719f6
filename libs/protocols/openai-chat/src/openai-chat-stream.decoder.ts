import type { CanonicalChunk } from '@plexus/core';
import type { ChatCompletionChunk } from './openai-chat.types';
import { decodeChatFinishReason, decodeChatUsage } from './openai-chat-usage';

type OpenKind = 'text' | 'thinking' | 'tool_call';

/**
 * Upstream Chat Completions stream events to canonical chunks. Chat streams have no
 * block boundaries, so this opens a block when the kind of delta changes and closes it
 * when the next one opens or the choice finishes.
 */
export class ChatStreamDecoder {
  private started = false;
  private nextIndex = 0;
  private open: { kind: OpenKind; index: number } | null = null;
  private readonly toolBlocks = new Map<number, number>();

  /** `data` is one SSE event's data field (already JSON-parsed). */
  decode(chunk: ChatCompletionChunk): CanonicalChunk[] {
    const out: CanonicalChunk[] = [];
    if (!this.started) {
      this.started = true;
      out.push({ type: 'start', id: chunk.id, model: chunk.model, created: chunk.created });
    }
    const choice = chunk.choices?.find((candidate) => candidate.index === 0);
    if (choice) {
      const delta = choice.delta ?? {};
      const reasoning = delta.reasoning_content ?? delta.reasoning;
      if (reasoning) out.push(...this.delta('thinking', { kind: 'thinking', text: reasoning }));
      if (delta.content) out.push(...this.delta('text', { kind: 'text', text: delta.content }));
      for (const call of delta.tool_calls ?? []) {
        let index = this.toolBlocks.get(call.index);
        if (index === undefined) {
          out.push(...this.close());
          index = this.nextIndex++;
          this.toolBlocks.set(call.index, index);
          this.open = { kind: 'tool_call', index };
          out.push({
            type: 'block_start',
            index,
            block: { kind: 'tool_call', id: call.id ?? '', name: call.function?.name ?? '' },
          });
        }
        if (call.function?.arguments) {
          out.push({ type: 'block_delta', index, delta: { kind: 'tool_arguments', json: call.function.arguments } });
        }
      }
      if (choice.finish_reason) {
        out.push(...this.close());
        out.push({ type: 'finish', reason: decodeChatFinishReason(choice.finish_reason) });
      }
    }
    if (chunk.usage) out.push({ type: 'usage', usage: decodeChatUsage(chunk.usage) });
    return out;
  }

  /** Closes whatever is still open when the upstream ends without a finish. */
  end(): CanonicalChunk[] {
    return this.close();
  }

  private delta(
    kind: 'text' | 'thinking',
    delta: Extract<CanonicalChunk, { type: 'block_delta' }>['delta'],
  ): CanonicalChunk[] {
    const out: CanonicalChunk[] = [];
    if (this.open?.kind !== kind) {
      out.push(...this.close());
      this.open = { kind, index: this.nextIndex++ };
      out.push({ type: 'block_start', index: this.open.index, block: { kind } });
    }
    out.push({ type: 'block_delta', index: this.open.index, delta });
    return out;
  }

  private close(): CanonicalChunk[] {
    if (!this.open) return [];
    const index = this.open.index;
    this.open = null;
    return [{ type: 'block_stop', index }];
  }
}
