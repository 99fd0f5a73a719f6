import { ErrorCode, GatewayException, type BlockStart, type CanonicalChunk } from '@plexus/core';
import type { ResponsesOutputText, ResponsesRefusal, ResponsesStreamEvent } from './openai-responses.types';
import { decodeResponsesFinishReason, decodeResponsesUsage } from './openai-responses-usage';

interface OpenBlock {
  key: string;
  outputIndex: number;
  index: number;
  kind: BlockStart['kind'];
}

/**
 * Upstream Responses stream events to canonical chunks. Each content part, summary part and
 * function call is one block; a reasoning item's last block stays open until the item is done,
 * because that is when its encrypted content (the signature) arrives. The `.done` events
 * carry full texts: whatever the deltas missed is emitted from them, so a provider that skips
 * deltas still decodes completely.
 */
export class ResponsesStreamDecoder {
  private started = false;
  private nextIndex = 0;
  private open: OpenBlock | null = null;
  /** Text received so far per block key; a key present here was opened once. */
  private readonly received = new Map<string, string>();
  private toolCalls = false;
  private refusal = false;
  private failed = false;

  /** `data` is the SSE event's data field (already JSON-parsed); `eventName` its `event:` field. */
  decode(eventName: string | undefined, data: unknown): CanonicalChunk[] {
    const fields = (typeof data === 'object' && data !== null ? data : {}) as { type?: unknown };
    const event = {
      ...fields,
      type: typeof fields.type === 'string' ? fields.type : eventName,
    } as ResponsesStreamEvent;
    const out: CanonicalChunk[] = [];
    if (!this.started) {
      this.started = true;
      const response = 'response' in event ? event.response : undefined;
      out.push({
        type: 'start',
        id: response?.id ?? '',
        model: response?.model ?? '',
        created: response?.created_at ?? Math.floor(Date.now() / 1000),
      });
    }
    this.apply(event, out);
    return out;
  }

  /** Closes whatever is still open when the upstream ends without a terminal event. */
  end(): CanonicalChunk[] {
    const out: CanonicalChunk[] = [];
    this.close(out);
    return out;
  }

  private apply(event: ResponsesStreamEvent, out: CanonicalChunk[]): void {
    switch (event.type) {
      case 'response.output_item.added':
        if (event.item.type === 'function_call') {
          this.toolCalls = true;
          const { call_id: id, name, arguments: args } = event.item;
          this.openBlock(out, event.output_index, 'f', { kind: 'tool_call', id, name });
          if (args) this.delta(out, event.output_index, 'f', args);
        }
        return;
      case 'response.content_part.added': {
        this.refusal ||= event.part.type === 'refusal';
        this.openBlock(out, event.output_index, `c${event.content_index}`, { kind: 'text' });
        const text = partText(event.part);
        if (text) this.delta(out, event.output_index, `c${event.content_index}`, text);
        return;
      }
      case 'response.output_text.delta':
      case 'response.refusal.delta':
        this.refusal ||= event.type === 'response.refusal.delta';
        this.delta(out, event.output_index, `c${event.content_index}`, event.delta, { kind: 'text' });
        return;
      case 'response.output_text.done':
        this.complete(out, event.output_index, `c${event.content_index}`, { kind: 'text' }, event.text);
        return;
      case 'response.refusal.done':
        this.complete(out, event.output_index, `c${event.content_index}`, { kind: 'text' }, event.refusal);
        return;
      case 'response.content_part.done':
        this.complete(out, event.output_index, `c${event.content_index}`, { kind: 'text' }, partText(event.part));
        if (this.open?.key === blockKey(event.output_index, `c${event.content_index}`)) this.close(out);
        return;
      case 'response.reasoning_summary_part.added':
        this.openBlock(out, event.output_index, `s${event.summary_index}`, { kind: 'thinking' });
        return;
      case 'response.reasoning_summary_text.delta':
        this.delta(out, event.output_index, `s${event.summary_index}`, event.delta, { kind: 'thinking' });
        return;
      case 'response.reasoning_summary_text.done':
        this.complete(out, event.output_index, `s${event.summary_index}`, { kind: 'thinking' }, event.text);
        return;
      case 'response.reasoning_summary_part.done':
        this.complete(out, event.output_index, `s${event.summary_index}`, { kind: 'thinking' }, event.part.text);
        return;
      case 'response.reasoning_text.delta':
        this.delta(out, event.output_index, `r${event.content_index}`, event.delta, { kind: 'thinking' });
        return;
      case 'response.reasoning_text.done':
        this.complete(out, event.output_index, `r${event.content_index}`, { kind: 'thinking' }, event.text);
        return;
      case 'response.function_call_arguments.delta':
        // Without output_item.added there is no name yet; output_item.done then brings the whole call.
        this.delta(out, event.output_index, 'f', event.delta);
        return;
      case 'response.function_call_arguments.done':
        if (this.received.has(blockKey(event.output_index, 'f'))) {
          this.complete(out, event.output_index, 'f', { kind: 'tool_call', id: '', name: '' }, event.arguments);
        }
        return;
      case 'response.output_item.done':
        this.itemDone(out, event);
        return;
      case 'response.completed':
      case 'response.incomplete': {
        this.close(out);
        const { response } = event;
        // An upstream that sent no item events still delivers the output here.
        if (this.nextIndex === 0) {
          (response.output ?? []).forEach((item, outputIndex) =>
            this.itemDone(out, {
              type: 'response.output_item.done',
              sequence_number: event.sequence_number,
              output_index: outputIndex,
              item,
            }),
          );
        }
        const traits = { toolCalls: this.toolCalls, refusal: this.refusal };
        out.push({
          type: 'finish',
          reason: decodeResponsesFinishReason(response.status, response.incomplete_details?.reason, traits),
        });
        if (response.usage) out.push({ type: 'usage', usage: decodeResponsesUsage(response.usage) });
        return;
      }
      case 'response.failed':
        this.close(out);
        if (event.response.usage) out.push({ type: 'usage', usage: decodeResponsesUsage(event.response.usage) });
        this.fail(out, event.response.error?.code ?? null, event.response.error?.message);
        return;
      case 'error': {
        // The documented event is flat; some upstreams nest the same fields under `error`.
        const nested = (event as { error?: { code?: string | null; message?: string } }).error;
        this.fail(out, event.code ?? nested?.code ?? null, event.message ?? nested?.message);
        return;
      }
      case 'response.created':
      case 'response.in_progress':
      case 'response.queued':
        return;
    }
  }

  private itemDone(
    out: CanonicalChunk[],
    event: Extract<ResponsesStreamEvent, { type: 'response.output_item.done' }>,
  ): void {
    const { item, output_index: outputIndex } = event;
    switch (item.type) {
      case 'message':
        this.refusal ||= item.content.some((part) => part.type === 'refusal');
        item.content.forEach((part, index) =>
          this.complete(out, outputIndex, `c${index}`, { kind: 'text' }, partText(part)),
        );
        break;
      case 'reasoning': {
        item.summary.forEach((part, index) =>
          this.complete(out, outputIndex, `s${index}`, { kind: 'thinking' }, part.text),
        );
        if (item.summary.length === 0) {
          (item.content ?? []).forEach((part, index) =>
            this.complete(out, outputIndex, `r${index}`, { kind: 'thinking' }, part.text),
          );
        }
        if (item.encrypted_content) {
          if (this.open?.outputIndex !== outputIndex) this.openBlock(out, outputIndex, 'e', { kind: 'thinking' });
          out.push({
            type: 'block_delta',
            index: this.open!.index,
            delta: { kind: 'signature', signature: item.encrypted_content },
          });
        }
        break;
      }
      case 'function_call':
        this.toolCalls = true;
        if (!this.received.has(blockKey(outputIndex, 'f'))) {
          this.openBlock(out, outputIndex, 'f', { kind: 'tool_call', id: item.call_id, name: item.name });
        }
        this.complete(out, outputIndex, 'f', { kind: 'tool_call', id: item.call_id, name: item.name }, item.arguments);
        break;
    }
    if (this.open?.outputIndex === outputIndex) this.close(out);
  }

  private fail(out: CanonicalChunk[], code: string | null, message: string | undefined): void {
    if (this.failed) return;
    this.failed = true;
    this.close(out);
    const status = code === 'rate_limit_exceeded' ? 429 : 502;
    out.push({
      type: 'error',
      error: new GatewayException(ErrorCode.UPSTREAM_ERROR, { message: message ?? 'Upstream stream failed', status })
        .body,
    });
  }

  private openBlock(out: CanonicalChunk[], outputIndex: number, part: string, block: BlockStart): void {
    const key = blockKey(outputIndex, part);
    if (this.open?.key === key) return;
    this.close(out);
    this.open = { key, outputIndex, index: this.nextIndex++, kind: block.kind };
    this.received.set(key, '');
    out.push({ type: 'block_start', index: this.open.index, block });
  }

  /** Appends to the block, opening it first when the upstream skipped the `added` event. */
  private delta(out: CanonicalChunk[], outputIndex: number, part: string, text: string, lazily?: BlockStart): void {
    const key = blockKey(outputIndex, part);
    if (this.open?.key !== key) {
      if (!lazily || this.received.has(key)) return;
      this.openBlock(out, outputIndex, part, lazily);
    }
    const open = this.open!;
    this.received.set(key, (this.received.get(key) ?? '') + text);
    out.push({
      type: 'block_delta',
      index: open.index,
      delta:
        open.kind === 'tool_call'
          ? { kind: 'tool_arguments', json: text }
          : { kind: open.kind === 'thinking' ? 'thinking' : 'text', text },
    });
  }

  /** Emits what a `.done` text holds beyond the deltas already received. */
  private complete(out: CanonicalChunk[], outputIndex: number, part: string, block: BlockStart, full: string): void {
    const key = blockKey(outputIndex, part);
    const received = this.received.get(key);
    if (received === undefined) {
      if (full === '') return;
      this.openBlock(out, outputIndex, part, block);
      this.delta(out, outputIndex, part, full);
    } else if (this.open?.key === key && full.length > received.length && full.startsWith(received)) {
      this.delta(out, outputIndex, part, full.slice(received.length));
    }
  }

  private close(out: CanonicalChunk[]): void {
    if (!this.open) return;
    out.push({ type: 'block_stop', index: this.open.index });
    this.open = null;
  }
}

function blockKey(outputIndex: number, part: string): string {
  return `${outputIndex}:${part}`;
}

function partText(part: ResponsesOutputText | ResponsesRefusal): string {
  return part.type === 'refusal' ? part.refusal : part.text;
}
