import type { CanonicalChunk, Usage } from '@plexus/core';
import type { ChatCompletionChunk } from './openai-chat.types';
import { encodeChatErrorBody } from './openai-chat-error.encoder';
import { encodeChatFinishReason, encodeChatUsage } from './openai-chat-usage';

export interface ChatStreamEncoderOptions {
  /** The client asked for a trailing usage chunk (`stream_options.include_usage`). */
  includeUsage: boolean;
  /** Used until the upstream's own `start` arrives. */
  fallbackId: string;
  fallbackModel: string;
}

/** Canonical chunks to Chat Completions SSE frames, for a client that speaks chat. */
export class ChatStreamEncoder {
  private id: string;
  private model: string;
  private created = Math.floor(Date.now() / 1000);
  private finished = false;
  private failed = false;
  private usage: Usage | null = null;
  private usageRelayed = false;
  private readonly toolIndexes = new Map<number, number>();

  constructor(private readonly options: ChatStreamEncoderOptions) {
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
        return this.frame({ role: 'assistant', content: '' }, null);
      case 'block_start':
        if (chunk.block.kind !== 'tool_call') return '';
        {
          const toolIndex = this.toolIndexes.size;
          this.toolIndexes.set(chunk.index, toolIndex);
          return this.frame(
            {
              tool_calls: [
                {
                  index: toolIndex,
                  id: chunk.block.id,
                  type: 'function',
                  function: { name: chunk.block.name, arguments: '' },
                },
              ],
            },
            null,
          );
        }
      case 'block_delta':
        switch (chunk.delta.kind) {
          case 'text':
            return this.frame({ content: chunk.delta.text }, null);
          case 'thinking':
            return this.frame({ reasoning_content: chunk.delta.text }, null);
          case 'tool_arguments':
            return this.frame(
              {
                tool_calls: [
                  { index: this.toolIndexes.get(chunk.index) ?? 0, function: { arguments: chunk.delta.json } },
                ],
              },
              null,
            );
          case 'signature':
            return '';
        }
        return '';
      case 'block_stop':
        return '';
      case 'finish':
        this.finished = true;
        if (chunk.observed) return '';
        return this.frame({}, encodeChatFinishReason(chunk.reason));
      case 'usage':
        this.usage = chunk.usage;
        this.usageRelayed ||= chunk.observed === true;
        return '';
      case 'message':
        return '';
      case 'error':
        this.failed = true;
        return `data: ${JSON.stringify(encodeChatErrorBody(chunk.error))}\n\n`;
    }
  }

  /** Frames that close the stream: a finish if none came, the usage chunk if asked, [DONE]. */
  end(): string {
    let out = '';
    if (!this.finished && !this.failed) out += this.frame({}, 'stop');
    if (this.options.includeUsage && this.usage && !this.usageRelayed) {
      const chunk: ChatCompletionChunk = {
        id: this.id,
        object: 'chat.completion.chunk',
        created: this.created,
        model: this.model,
        choices: [],
        usage: encodeChatUsage(this.usage),
      };
      out += `data: ${JSON.stringify(chunk)}\n\n`;
    }
    return `${out}data: [DONE]\n\n`;
  }

  private frame(
    delta: ChatCompletionChunk['choices'][number]['delta'],
    finishReason: ChatCompletionChunk['choices'][number]['finish_reason'],
  ): string {
    const chunk: ChatCompletionChunk = {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      choices: [{ index: 0, delta, finish_reason: finishReason }],
    };
    return `data: ${JSON.stringify(chunk)}\n\n`;
  }
}
