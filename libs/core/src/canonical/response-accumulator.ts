import type { CanonicalChunk } from './chunk';
import type { ContentPart } from './content';
import type { FinishReason } from './finish-reason';
import type { CanonicalResponse } from './response';
import type { Usage } from './usage';

type OpenBlock =
  | { kind: 'text'; text: string }
  | { kind: 'thinking'; text: string; signature?: string }
  | { kind: 'redacted_thinking'; data: string }
  | { kind: 'tool_call'; id: string; name: string; json: string };

/**
 * Folds a stream of canonical chunks into one canonical response: used when a client
 * asked for a single JSON body but the upstream streamed.
 */
export class ResponseAccumulator {
  private id = '';
  private model = '';
  private created = 0;
  private readonly blocks = new Map<number, OpenBlock>();
  private finishReason: FinishReason = 'stop';
  private stopSequence?: string;
  private usage?: Usage;
  private whole?: CanonicalResponse;

  push(chunk: CanonicalChunk): void {
    switch (chunk.type) {
      case 'start':
        this.id = chunk.id;
        this.model = chunk.model;
        this.created = chunk.created;
        return;
      case 'block_start':
        this.blocks.set(chunk.index, openBlock(chunk.block));
        return;
      case 'block_delta': {
        const block = this.blocks.get(chunk.index);
        if (block) applyDelta(block, chunk.delta);
        return;
      }
      case 'usage':
        this.usage = chunk.usage;
        return;
      case 'finish':
        this.finishReason = chunk.reason;
        this.stopSequence = chunk.stopSequence;
        return;
      case 'message':
        this.whole = chunk.response;
        return;
      case 'block_stop':
      case 'passthrough':
      case 'error':
        return;
    }
  }

  result(): CanonicalResponse {
    if (this.whole) return this.whole;
    const ordered = [...this.blocks.entries()].sort(([a], [b]) => a - b).map(([, block]) => block);
    return {
      id: this.id,
      model: this.model,
      created: this.created,
      content: ordered.map(toPart),
      finishReason: this.finishReason,
      ...(this.stopSequence !== undefined && { stopSequence: this.stopSequence }),
      ...(this.usage !== undefined && { usage: this.usage }),
      extensions: {},
    };
  }
}

function openBlock(block: Extract<CanonicalChunk, { type: 'block_start' }>['block']): OpenBlock {
  switch (block.kind) {
    case 'text':
      return { kind: 'text', text: '' };
    case 'thinking':
      return { kind: 'thinking', text: '' };
    case 'redacted_thinking':
      return { kind: 'redacted_thinking', data: block.data };
    case 'tool_call':
      return { kind: 'tool_call', id: block.id, name: block.name, json: '' };
  }
}

function applyDelta(block: OpenBlock, delta: Extract<CanonicalChunk, { type: 'block_delta' }>['delta']): void {
  if (delta.kind === 'text' && block.kind === 'text') block.text += delta.text;
  else if (delta.kind === 'thinking' && block.kind === 'thinking') block.text += delta.text;
  else if (delta.kind === 'signature' && block.kind === 'thinking')
    block.signature = (block.signature ?? '') + delta.signature;
  else if (delta.kind === 'tool_arguments' && block.kind === 'tool_call') block.json += delta.json;
}

function toPart(block: OpenBlock): ContentPart {
  switch (block.kind) {
    case 'text':
      return { type: 'text', text: block.text };
    case 'thinking':
      return {
        type: 'thinking',
        text: block.text,
        ...(block.signature !== undefined && { signature: block.signature }),
      };
    case 'redacted_thinking':
      return { type: 'redacted_thinking', data: block.data };
    case 'tool_call':
      return { type: 'tool_call', id: block.id, name: block.name, arguments: block.json };
  }
}
