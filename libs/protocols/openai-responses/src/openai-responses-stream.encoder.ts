import {
  wireCodeOf,
  type BlockDelta,
  type BlockStart,
  type CanonicalChunk,
  type CanonicalResponse,
  type FinishReason,
  type GatewayErrorBody,
  type Usage,
} from '@plexus/core';
import type { ResponsesOutputItem, ResponsesOutputText, ResponsesSummaryText } from './openai-responses.types';
import { outputItemId, responsesResponseObject } from './openai-responses-response.codec';
import { encodeResponsesFinishReason } from './openai-responses-usage';

export interface ResponsesStreamEncoderOptions {
  /** Used until the upstream's own `start` arrives. */
  fallbackId: string;
  fallbackModel: string;
}

type OpenItem = { id: string; outputIndex: number } & (
  | { kind: 'message'; parts: ResponsesOutputText[] }
  | { kind: 'reasoning'; summary: ResponsesSummaryText[]; signature?: string }
  | { kind: 'function_call'; callId: string; name: string; arguments: string }
);

type Block = { item: OpenItem | null; text: string } & (
  | { kind: 'text'; contentIndex: number }
  | { kind: 'thinking'; summaryIndex: number | null }
  | { kind: 'tool_call' }
  | { kind: 'ignored' }
);

const SEQUENCE = /"sequence_number":(\d+)/g;

/**
 * Canonical chunks to Responses SSE events, in the official order: response.created and
 * response.in_progress, then per output item output_item.added, its parts (content_part /
 * reasoning_summary_part, text deltas, function_call_arguments) and output_item.done, then
 * one terminal event carrying the whole response object with usage. Adjacent text blocks
 * share a message item; adjacent thinking blocks share a reasoning item, which a signature
 * (its encrypted content) closes. Redacted thinking has no Responses form and is skipped.
 */
export class ResponsesStreamEncoder {
  private id: string;
  private model: string;
  private created = Math.floor(Date.now() / 1000);
  private sequence = 0;
  private started = false;
  /** The upstream speaks Responses too and its frames were relayed: it sends its own terminal event. */
  private relayed = false;
  private failed = false;
  private finish: FinishReason | null = null;
  private usage: Usage | null = null;
  private readonly output: ResponsesOutputItem[] = [];
  private item: OpenItem | null = null;
  private readonly blocks = new Map<number, Block>();

  constructor(options: ResponsesStreamEncoderOptions) {
    this.id = options.fallbackId;
    this.model = options.fallbackModel;
  }

  encode(chunk: CanonicalChunk): string {
    switch (chunk.type) {
      case 'passthrough':
        // The relayed frames already opened the response.
        this.relayed = true;
        this.started = true;
        for (const match of chunk.data.matchAll(SEQUENCE))
          this.sequence = Math.max(this.sequence, Number(match[1]) + 1);
        return chunk.data;
      case 'start':
        if (this.started) return '';
        this.id = chunk.id || this.id;
        this.model = chunk.model || this.model;
        this.created = chunk.created || this.created;
        return this.begin();
      case 'block_start':
        return this.begin() + this.blockStart(chunk.index, chunk.block);
      case 'block_delta':
        return this.begin() + this.blockDelta(chunk.index, chunk.delta);
      case 'block_stop':
        return this.blockStop(chunk.index);
      case 'finish':
        this.finish = chunk.reason;
        this.relayed ||= chunk.observed === true;
        return '';
      case 'usage':
        this.usage = chunk.usage;
        return '';
      case 'message':
        return this.replay(chunk.response);
      case 'error':
        return this.fail(chunk.error);
    }
  }

  /** The terminal event: completed, or incomplete for length/content_filter, with usage. */
  end(): string {
    if (this.failed || this.relayed) return '';
    const out = this.begin() + this.closeItem();
    const terminal = encodeResponsesFinishReason(this.finish ?? 'stop');
    const response = responsesResponseObject({
      id: this.id,
      model: this.model,
      createdAt: this.created,
      ...terminal,
      output: this.output,
      usage: this.usage,
    });
    return out + this.frame(`response.${terminal.status}`, { response });
  }

  private begin(): string {
    if (this.started) return '';
    this.started = true;
    const response = responsesResponseObject({
      id: this.id,
      model: this.model,
      createdAt: this.created,
      status: 'in_progress',
      output: [],
      usage: null,
    });
    return this.frame('response.created', { response }) + this.frame('response.in_progress', { response });
  }

  private blockStart(index: number, block: BlockStart): string {
    switch (block.kind) {
      case 'text': {
        let out = this.item?.kind === 'message' ? '' : this.closeItem() + this.openItem('message');
        const item = this.item as Extract<OpenItem, { kind: 'message' }>;
        const part: ResponsesOutputText = { type: 'output_text', annotations: [], logprobs: [], text: '' };
        const contentIndex = item.parts.push(part) - 1;
        this.blocks.set(index, { kind: 'text', item, text: '', contentIndex });
        out += this.frame('response.content_part.added', { ...this.ref(item), content_index: contentIndex, part });
        return out;
      }
      case 'thinking': {
        const out = this.item?.kind === 'reasoning' ? '' : this.closeItem() + this.openItem('reasoning');
        this.blocks.set(index, { kind: 'thinking', item: this.item, text: '', summaryIndex: null });
        return out;
      }
      case 'tool_call': {
        const out = this.closeItem() + this.openItem('function_call', block);
        this.blocks.set(index, { kind: 'tool_call', item: this.item, text: '' });
        return out;
      }
      case 'redacted_thinking':
        this.blocks.set(index, { kind: 'ignored', item: null, text: '' });
        return this.closeItem();
    }
  }

  private blockDelta(index: number, delta: BlockDelta): string {
    let out = '';
    if (!this.blocks.has(index) && (delta.kind === 'text' || delta.kind === 'thinking'))
      out += this.blockStart(index, { kind: delta.kind });
    const block = this.blocks.get(index);
    const item = block?.item;
    if (!block || !item || item !== this.item) return out;
    if (delta.kind === 'text' && block.kind === 'text') {
      block.text += delta.text;
      return (
        out +
        this.frame('response.output_text.delta', {
          ...this.ref(item),
          content_index: block.contentIndex,
          delta: delta.text,
          logprobs: [],
        })
      );
    }
    if (delta.kind === 'thinking' && block.kind === 'thinking' && item.kind === 'reasoning') {
      if (block.summaryIndex === null) {
        block.summaryIndex = item.summary.push({ type: 'summary_text', text: '' }) - 1;
        out += this.frame('response.reasoning_summary_part.added', {
          ...this.ref(item),
          summary_index: block.summaryIndex,
          part: { type: 'summary_text', text: '' },
        });
      }
      block.text += delta.text;
      return (
        out +
        this.frame('response.reasoning_summary_text.delta', {
          ...this.ref(item),
          summary_index: block.summaryIndex,
          delta: delta.text,
        })
      );
    }
    if (delta.kind === 'signature' && item.kind === 'reasoning') {
      item.signature = (item.signature ?? '') + delta.signature;
      return out;
    }
    if (delta.kind === 'tool_arguments' && item.kind === 'function_call') {
      item.arguments += delta.json;
      return out + this.frame('response.function_call_arguments.delta', { ...this.ref(item), delta: delta.json });
    }
    return out;
  }

  /** A signed thinking block and a tool call end their item; text and unsigned thinking may continue it. */
  private blockStop(index: number): string {
    const block = this.blocks.get(index);
    if (!block) return '';
    const out = this.finishBlock(index, block);
    const item = block.item;
    if (
      item !== null &&
      item === this.item &&
      (item.kind === 'function_call' || (item.kind === 'reasoning' && item.signature !== undefined))
    ) {
      return out + this.closeItem();
    }
    return out;
  }

  private finishBlock(index: number, block: Block): string {
    this.blocks.delete(index);
    const item = block.item;
    if (!item || item !== this.item) return '';
    if (block.kind === 'text' && item.kind === 'message') {
      const part = item.parts[block.contentIndex];
      part.text = block.text;
      const ref = { ...this.ref(item), content_index: block.contentIndex };
      return (
        this.frame('response.output_text.done', { ...ref, text: block.text, logprobs: [] }) +
        this.frame('response.content_part.done', { ...ref, part })
      );
    }
    if (block.kind === 'thinking' && item.kind === 'reasoning' && block.summaryIndex !== null) {
      const part = item.summary[block.summaryIndex];
      part.text = block.text;
      const ref = { ...this.ref(item), summary_index: block.summaryIndex };
      return (
        this.frame('response.reasoning_summary_text.done', { ...ref, text: block.text }) +
        this.frame('response.reasoning_summary_part.done', { ...ref, part })
      );
    }
    if (block.kind === 'tool_call' && item.kind === 'function_call') {
      return this.frame('response.function_call_arguments.done', {
        ...this.ref(item),
        name: item.name,
        arguments: item.arguments,
      });
    }
    return '';
  }

  private openItem(kind: OpenItem['kind'], call?: Extract<BlockStart, { kind: 'tool_call' }>): string {
    const outputIndex = this.output.length;
    const prefix = kind === 'message' ? 'msg' : kind === 'reasoning' ? 'rs' : 'fc';
    const id = outputItemId(prefix, this.id, outputIndex);
    switch (kind) {
      case 'message':
        this.item = { kind, id, outputIndex, parts: [] };
        return this.frame('response.output_item.added', {
          output_index: outputIndex,
          item: { id, type: 'message', status: 'in_progress', content: [], role: 'assistant' },
        });
      case 'reasoning':
        this.item = { kind, id, outputIndex, summary: [] };
        return this.frame('response.output_item.added', {
          output_index: outputIndex,
          item: { id, type: 'reasoning', summary: [] },
        });
      case 'function_call':
        this.item = { kind, id, outputIndex, callId: call?.id ?? '', name: call?.name ?? '', arguments: '' };
        return this.frame('response.output_item.added', {
          output_index: outputIndex,
          item: {
            id,
            type: 'function_call',
            status: 'in_progress',
            arguments: '',
            call_id: this.item.callId,
            name: this.item.name,
          },
        });
    }
  }

  /** Ends the open item, finishing any of its blocks the stream left open. */
  private closeItem(): string {
    const item = this.item;
    if (!item) return '';
    let out = '';
    for (const [index, block] of this.blocks) if (block.item === item) out += this.finishBlock(index, block);
    this.item = null;
    const done = doneItem(item);
    this.output.push(done);
    return out + this.frame('response.output_item.done', { output_index: item.outputIndex, item: done });
  }

  /**
   * A failure mid-stream: the `error` event (which the official SDKs raise as an APIError),
   * then `response.failed` for clients that follow the response lifecycle instead.
   */
  private fail(error: GatewayErrorBody): string {
    this.failed = true;
    let out = this.begin();
    out += this.frame('error', { code: wireCodeOf(error.code), message: error.message, param: error.param ?? null });
    const response = responsesResponseObject({
      id: this.id,
      model: this.model,
      createdAt: this.created,
      status: 'failed',
      error: { code: error.status === 429 ? 'rate_limit_exceeded' : 'server_error', message: error.message },
      output: this.output,
      usage: this.usage,
    });
    return out + this.frame('response.failed', { response });
  }

  /** A whole answer (the upstream did not stream) is played back as the events it would have sent. */
  private replay(response: CanonicalResponse): string {
    const chunks: CanonicalChunk[] = [
      { type: 'start', id: response.id, model: response.model, created: response.created },
    ];
    response.content.forEach((part, index) => {
      const stop: CanonicalChunk = { type: 'block_stop', index };
      if (part.type === 'text') {
        chunks.push(
          { type: 'block_start', index, block: { kind: 'text' } },
          { type: 'block_delta', index, delta: { kind: 'text', text: part.text } },
          stop,
        );
      } else if (part.type === 'thinking') {
        chunks.push({ type: 'block_start', index, block: { kind: 'thinking' } });
        if (part.text !== '') chunks.push({ type: 'block_delta', index, delta: { kind: 'thinking', text: part.text } });
        if (part.signature !== undefined)
          chunks.push({ type: 'block_delta', index, delta: { kind: 'signature', signature: part.signature } });
        chunks.push(stop);
      } else if (part.type === 'tool_call') {
        chunks.push(
          { type: 'block_start', index, block: { kind: 'tool_call', id: part.id, name: part.name } },
          { type: 'block_delta', index, delta: { kind: 'tool_arguments', json: part.arguments } },
          stop,
        );
      }
    });
    chunks.push({ type: 'finish', reason: response.finishReason });
    if (response.usage) chunks.push({ type: 'usage', usage: response.usage });
    return chunks.map((chunk) => this.encode(chunk)).join('');
  }

  private ref(item: OpenItem): { item_id: string; output_index: number } {
    return { item_id: item.id, output_index: item.outputIndex };
  }

  private frame(type: string, payload: Record<string, unknown>): string {
    const data = { type, sequence_number: this.sequence++, ...payload };
    return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
  }
}

function doneItem(item: OpenItem): ResponsesOutputItem {
  switch (item.kind) {
    case 'message':
      return { id: item.id, type: 'message', status: 'completed', content: item.parts, role: 'assistant' };
    case 'reasoning':
      return {
        id: item.id,
        type: 'reasoning',
        ...(item.signature !== undefined && { encrypted_content: item.signature }),
        summary: item.summary,
      };
    case 'function_call':
      return {
        id: item.id,
        type: 'function_call',
        status: 'completed',
        arguments: item.arguments,
        call_id: item.callId,
        name: item.name,
      };
  }
}
