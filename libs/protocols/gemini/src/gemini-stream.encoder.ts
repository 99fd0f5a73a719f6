import type { CanonicalChunk, FinishReason, Usage } from '@plexus/core';
import { argumentsObject } from './gemini-content';
import { encodeGeminiErrorBody } from './gemini-error.encoder';
import { encodeGeminiResponse } from './gemini-response.codec';
import type { GeminiGenerateContentResponse, GeminiPart } from './gemini.types';
import { encodeGeminiFinishReason, encodeGeminiUsage } from './gemini-usage';

export interface GeminiStreamEncoderOptions {
  /** Used until the upstream's own `start` arrives. */
  fallbackId: string;
  fallbackModel: string;
}

type Block =
  | { kind: 'text' | 'redacted_thinking' }
  | { kind: 'thinking'; hasText: boolean; signature: string }
  | { kind: 'tool_call'; name: string; json: string };

/** Google frames SSE events with CRLF line ends. */
function sse(data: unknown): string {
  return `data: ${JSON.stringify(data)}\r\n\r\n`;
}

/**
 * Canonical chunks to `streamGenerateContent?alt=sse` frames, for a Gemini client. Each
 * frame is a GenerateContentResponse with one part. The last content frame is held back
 * so that the finish reason and usage ride on it, as on Google's last chunk (Gemini SDKs
 * treat a chunk without content parts as an invalid answer). Function calls are sent
 * whole when their block stops; a signature from an empty thinking block goes on the part
 * that follows it.
 */
export class GeminiStreamEncoder {
  private id: string;
  private model: string;
  private readonly blocks = new Map<number, Block>();
  private held: GeminiPart[] | null = null;
  private signature: string | undefined;
  private finish: FinishReason | null = null;
  private finishRelayed = false;
  private usage: Usage | null = null;
  private usageRelayed = false;
  private failed = false;

  constructor(options: GeminiStreamEncoderOptions) {
    this.id = options.fallbackId;
    this.model = options.fallbackModel;
  }

  encode(chunk: CanonicalChunk): string {
    switch (chunk.type) {
      case 'passthrough':
        return this.release() + chunk.data;
      case 'start':
        this.id = chunk.id || this.id;
        this.model = chunk.model || this.model;
        return '';
      case 'block_start':
        this.blocks.set(chunk.index, blockOf(chunk.block));
        return '';
      case 'block_delta':
        return this.delta(chunk.index, chunk.delta);
      case 'block_stop':
        return this.stop(chunk.index);
      case 'finish':
        this.finish = chunk.reason;
        this.finishRelayed ||= chunk.observed === true;
        return '';
      case 'usage':
        this.usage = chunk.usage;
        this.usageRelayed ||= chunk.observed === true;
        return '';
      case 'message':
        this.finishRelayed = true;
        this.usageRelayed = true;
        return this.release() + sse(encodeGeminiResponse(chunk.response));
      case 'error':
        this.failed = true;
        return this.release() + sse(encodeGeminiErrorBody(chunk.error));
    }
  }

  /** The held frame, carrying the finish reason (a normal stop if none came) and usage. */
  end(): string {
    if (this.failed || this.finishRelayed) return this.release();
    let out = '';
    if (this.signature !== undefined) out += this.hold({ text: '' });
    const parts = this.held ?? [{ text: '' }];
    this.held = null;
    const usage = this.usageRelayed ? undefined : (this.usage ?? undefined);
    return out + this.frame(parts, this.finish ?? 'stop', usage);
  }

  private delta(index: number, delta: Extract<CanonicalChunk, { type: 'block_delta' }>['delta']): string {
    const block = this.blocks.get(index);
    switch (delta.kind) {
      case 'text':
        return this.hold({ text: delta.text });
      case 'thinking':
        if (block?.kind === 'thinking') block.hasText = true;
        return this.hold({ text: delta.text, thought: true });
      case 'signature':
        if (block?.kind === 'thinking') block.signature += delta.signature;
        return '';
      case 'tool_arguments':
        if (block?.kind === 'tool_call') block.json += delta.json;
        return '';
    }
  }

  private stop(index: number): string {
    const block = this.blocks.get(index);
    this.blocks.delete(index);
    if (block?.kind === 'tool_call')
      return this.hold({ functionCall: { name: block.name, args: argumentsObject(block.json || '{}') } });
    if (block?.kind !== 'thinking' || block.signature === '') return '';
    if (block.hasText) return this.hold({ text: '', thought: true, thoughtSignature: block.signature });
    this.signature = block.signature;
    return '';
  }

  /** Holds `part` as the new last frame and returns the one it replaces. */
  private hold(part: GeminiPart): string {
    const out = this.release();
    this.held = [this.signature === undefined ? part : { ...part, thoughtSignature: this.signature }];
    this.signature = undefined;
    return out;
  }

  private release(): string {
    if (this.held === null) return '';
    const parts = this.held;
    this.held = null;
    return this.frame(parts);
  }

  private frame(parts: GeminiPart[], finish?: FinishReason, usage?: Usage): string {
    const chunk: GeminiGenerateContentResponse = {
      candidates: [
        {
          content: { parts, role: 'model' },
          ...(finish !== undefined && { finishReason: encodeGeminiFinishReason(finish) }),
          index: 0,
        },
      ],
      ...(usage !== undefined && { usageMetadata: encodeGeminiUsage(usage) }),
      modelVersion: this.model,
      responseId: this.id,
    };
    return sse(chunk);
  }
}

function blockOf(block: Extract<CanonicalChunk, { type: 'block_start' }>['block']): Block {
  switch (block.kind) {
    case 'thinking':
      return { kind: 'thinking', hasText: false, signature: '' };
    case 'tool_call':
      return { kind: 'tool_call', name: block.name, json: '' };
    case 'text':
    case 'redacted_thinking':
      return { kind: block.kind };
  }
}
