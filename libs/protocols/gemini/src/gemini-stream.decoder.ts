import { ErrorCode, GatewayException, type BlockDelta, type CanonicalChunk } from '@plexus/core';
import { answerCallId, field, isRecord } from './gemini-content';
import type { GeminiFunctionCall, GeminiUsageMetadata } from './gemini.types';
import { decodeGeminiFinishReason, decodeGeminiUsage } from './gemini-usage';

/**
 * Upstream `streamGenerateContent?alt=sse` events (each a GenerateContentResponse) to
 * canonical chunks. Gemini has no block boundaries: a block opens when the kind of part
 * changes. Function calls arrive whole, so each is one complete tool-call block. A
 * signature on a non-thought part becomes its own empty thinking block just before that
 * part, as the non-stream decoder does. usageMetadata is cumulative and repeated: it is
 * reported once the candidate finishes (again only if it changes afterwards).
 */
export class GeminiStreamDecoder {
  private started = false;
  private nextIndex = 0;
  private open: { kind: 'text' | 'thinking'; index: number } | null = null;
  private calls = 0;
  private finished = false;
  private usage: GeminiUsageMetadata | null = null;
  private reportedUsage = '';

  /** `data` is one SSE event's data field, already JSON-parsed; Gemini sends no event names. */
  decode(_eventName: string | undefined, data: unknown): CanonicalChunk[] {
    const out: CanonicalChunk[] = [];
    const error = field(data, 'error');
    if (isRecord(error)) {
      out.push(...this.close());
      const status = field<number>(error, 'code');
      const failure = new GatewayException(ErrorCode.UPSTREAM_ERROR, {
        message: field<string>(error, 'message') ?? 'Upstream stream failed',
        ...(typeof status === 'number' && status >= 400 && { status }),
      });
      out.push({ type: 'error', error: failure.body });
      return out;
    }
    const responseId = field<string>(data, 'responseId') ?? '';
    if (!this.started) {
      this.started = true;
      out.push({
        type: 'start',
        id: responseId,
        model: field<string>(data, 'modelVersion') ?? '',
        created: Math.floor(Date.now() / 1000),
      });
    }
    const candidates = field<unknown[]>(data, 'candidates') ?? [];
    const candidate = candidates.find((item) => (field<number>(item, 'index') ?? 0) === 0);
    for (const part of field<unknown[]>(field(candidate, 'content'), 'parts') ?? [])
      out.push(...this.part(part, responseId));
    const reason = field<string>(candidate, 'finishReason');
    const blocked = candidate === undefined && field(field(data, 'promptFeedback'), 'blockReason') !== undefined;
    if ((reason !== undefined || blocked) && !this.finished) {
      this.finished = true;
      out.push(...this.close());
      out.push({
        type: 'finish',
        reason: blocked ? 'content_filter' : decodeGeminiFinishReason(reason, this.calls > 0),
      });
    }
    const usage = field<GeminiUsageMetadata>(data, 'usageMetadata');
    if (usage !== undefined) this.usage = usage;
    if (this.finished) out.push(...this.reportUsage());
    return out;
  }

  /** Closes what is still open and reports usage the upstream sent without finishing. */
  end(): CanonicalChunk[] {
    return [...this.close(), ...this.reportUsage()];
  }

  private part(part: unknown, responseId: string): CanonicalChunk[] {
    const out: CanonicalChunk[] = [];
    const signature = field<string>(part, 'thoughtSignature');
    const text = field<string>(part, 'text');
    if (field(part, 'thought') === true) {
      if (text) out.push(...this.delta('thinking', { kind: 'thinking', text }));
      if (signature !== undefined) {
        const index = this.open?.kind === 'thinking' ? this.open.index : this.openBlock('thinking', out);
        // One signature per block: what follows belongs to another part.
        out.push({ type: 'block_delta', index, delta: { kind: 'signature', signature } }, ...this.close());
      }
      return out;
    }
    if (signature !== undefined) {
      const index = this.openBlock('thinking', out);
      out.push({ type: 'block_delta', index, delta: { kind: 'signature', signature } }, ...this.close());
    }
    const call = field<GeminiFunctionCall>(part, 'functionCall');
    if (call) {
      out.push(...this.close());
      const index = this.nextIndex++;
      out.push(
        {
          type: 'block_start',
          index,
          block: { kind: 'tool_call', id: answerCallId(responseId, this.calls++, call), name: call.name },
        },
        { type: 'block_delta', index, delta: { kind: 'tool_arguments', json: JSON.stringify(call.args ?? {}) } },
        { type: 'block_stop', index },
      );
    } else if (text) {
      out.push(...this.delta('text', { kind: 'text', text }));
    }
    return out;
  }

  private delta(kind: 'text' | 'thinking', delta: BlockDelta): CanonicalChunk[] {
    const out: CanonicalChunk[] = [];
    const index = this.open?.kind === kind ? this.open.index : this.openBlock(kind, out);
    out.push({ type: 'block_delta', index, delta });
    return out;
  }

  /** Closes the open block and opens one of `kind`, writing the chunks to `out`. */
  private openBlock(kind: 'text' | 'thinking', out: CanonicalChunk[]): number {
    out.push(...this.close());
    const index = this.nextIndex++;
    this.open = { kind, index };
    out.push({ type: 'block_start', index, block: { kind } });
    return index;
  }

  private close(): CanonicalChunk[] {
    if (!this.open) return [];
    const index = this.open.index;
    this.open = null;
    return [{ type: 'block_stop', index }];
  }

  private reportUsage(): CanonicalChunk[] {
    if (this.usage === null || JSON.stringify(this.usage) === this.reportedUsage) return [];
    this.reportedUsage = JSON.stringify(this.usage);
    return [{ type: 'usage', usage: decodeGeminiUsage(this.usage) }];
  }
}
