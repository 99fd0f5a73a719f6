import { wireCodeOf, type CanonicalChunk, type Usage } from '@plexus/core';
import type { CompletionResponse } from './openai-completions.types';
import {
  decodeCompletionFinishReason,
  decodeCompletionUsage,
  encodeCompletionFinishReason,
  encodeCompletionUsage,
} from './openai-completions-response.codec';

/** Upstream completion stream chunks to canonical chunks: one text block. */
export class CompletionStreamDecoder {
  private started = false;
  private open = false;

  decode(_eventName: string | undefined, data: unknown): CanonicalChunk[] {
    const chunk = data as CompletionResponse;
    const out: CanonicalChunk[] = [];
    if (!this.started) {
      this.started = true;
      out.push({ type: 'start', id: chunk.id, model: chunk.model, created: chunk.created });
    }
    const choice = chunk.choices?.find((candidate) => candidate.index === 0);
    if (choice?.text) {
      if (!this.open) {
        this.open = true;
        out.push({ type: 'block_start', index: 0, block: { kind: 'text' } });
      }
      out.push({ type: 'block_delta', index: 0, delta: { kind: 'text', text: choice.text } });
    }
    if (choice?.finish_reason) {
      out.push(...this.end());
      out.push({ type: 'finish', reason: decodeCompletionFinishReason(choice.finish_reason) });
    }
    if (chunk.usage) out.push({ type: 'usage', usage: decodeCompletionUsage(chunk.usage) });
    return out;
  }

  end(): CanonicalChunk[] {
    if (!this.open) return [];
    this.open = false;
    return [{ type: 'block_stop', index: 0 }];
  }
}

export interface CompletionStreamEncoderOptions {
  includeUsage: boolean;
  fallbackId: string;
  fallbackModel: string;
}

/** Canonical chunks to completion stream frames: answer text only, then [DONE]. */
export class CompletionStreamEncoder {
  private id: string;
  private model: string;
  private created = Math.floor(Date.now() / 1000);
  private finished = false;
  private failed = false;
  private usage: Usage | null = null;
  private usageRelayed = false;

  constructor(private readonly options: CompletionStreamEncoderOptions) {
    this.id = options.fallbackId;
    this.model = options.fallbackModel;
  }

  encode(chunk: CanonicalChunk): string {
    switch (chunk.type) {
      case 'passthrough':
        return chunk.data;
      case 'start':
        this.id = chunk.id || this.id;
        this.model = chunk.model || this.model;
        this.created = chunk.created || this.created;
        return '';
      case 'block_delta':
        return chunk.delta.kind === 'text' ? this.frame(chunk.delta.text, null) : '';
      case 'finish':
        this.finished = true;
        return chunk.observed ? '' : this.frame('', encodeCompletionFinishReason(chunk.reason));
      case 'usage':
        this.usage = chunk.usage;
        this.usageRelayed ||= chunk.observed === true;
        return '';
      case 'error':
        this.failed = true;
        return `data: ${JSON.stringify({ error: { message: chunk.error.message, type: 'server_error', code: wireCodeOf(chunk.error.code) } })}\n\n`;
      case 'block_start':
      case 'block_stop':
      case 'message':
        return '';
    }
  }

  end(): string {
    let out = '';
    if (!this.finished && !this.failed) out += this.frame('', 'stop');
    if (this.options.includeUsage && this.usage && !this.usageRelayed) {
      const chunk: CompletionResponse = {
        id: this.id,
        object: 'text_completion',
        created: this.created,
        model: this.model,
        choices: [],
        usage: encodeCompletionUsage(this.usage),
      };
      out += `data: ${JSON.stringify(chunk)}\n\n`;
    }
    return `${out}data: [DONE]\n\n`;
  }

  private frame(text: string, finishReason: CompletionResponse['choices'][number]['finish_reason']): string {
    const chunk: CompletionResponse = {
      id: this.id,
      object: 'text_completion',
      created: this.created,
      model: this.model,
      choices: [{ text, index: 0, logprobs: null, finish_reason: finishReason }],
    };
    return `data: ${JSON.stringify(chunk)}\n\n`;
  }
}
