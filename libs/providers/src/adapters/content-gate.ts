import type { BlockDelta, CanonicalChunk, CanonicalResponse, ContentPart } from '@plexus/core';
import type { Subscriber } from 'rxjs';

function partHasContent(part: ContentPart): boolean {
  switch (part.type) {
    case 'text':
      return part.text.length > 0 || (part.citations?.length ?? 0) > 0;
    case 'thinking':
      return part.text.length > 0 || part.signature !== undefined;
    case 'redacted_thinking':
    case 'tool_call':
    case 'tool_result':
    case 'image':
    case 'document':
    case 'audio':
      return true;
  }
}

function deltaHasContent(delta: BlockDelta): boolean {
  switch (delta.kind) {
    case 'text':
    case 'thinking':
      return delta.text.length > 0;
    case 'signature':
    case 'tool_arguments':
      return true;
  }
}

function responseHasContent(response: CanonicalResponse): boolean {
  return response.content.some(partHasContent);
}

/**
 * Whether a chunk carries something of the answer: text, reasoning, a tool call, a
 * citation, an image... Starts, empty deltas, usage and finishes don't. An upstream error
 * event counts, so it reaches the client as it did.
 */
export function hasContent(chunk: CanonicalChunk): boolean {
  switch (chunk.type) {
    case 'block_start':
      return chunk.block.kind === 'tool_call' || chunk.block.kind === 'redacted_thinking';
    case 'block_delta':
      return deltaHasContent(chunk.delta);
    case 'message':
      return responseHasContent(chunk.response);
    case 'error':
      return true;
    case 'start':
    case 'block_stop':
    case 'usage':
    case 'finish':
    case 'passthrough':
      return false;
  }
}

/**
 * Holds a stream's chunks back until the first one with content, so an empty answer can
 * still fail over before anything reached the client. Open from the start when empty
 * answers are accepted (the last target), so nothing is held.
 */
export class ContentGate {
  private held: CanonicalChunk[] | null;

  constructor(
    private readonly subscriber: Subscriber<CanonicalChunk>,
    holdUntilContent: boolean,
  ) {
    this.held = holdUntilContent ? [] : null;
  }

  /** True while nothing with content has been seen. */
  get waiting(): boolean {
    return this.held !== null;
  }

  next(chunk: CanonicalChunk): void {
    if (this.held !== null) {
      if (!hasContent(chunk)) {
        this.held.push(chunk);
        return;
      }
      this.open();
    }
    this.subscriber.next(chunk);
  }

  /** Content has arrived: releases what was held. */
  open(): void {
    const held = this.held;
    if (held === null) return;
    this.held = null;
    for (const chunk of held) this.subscriber.next(chunk);
  }
}
