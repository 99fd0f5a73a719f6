import { Transform, type TransformCallback } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { errorResponse, type JsonRpcId, type JsonRpcMessage } from './jsonrpc';

export interface SseRelayOptions {
  /** Requests of the client's POST still waiting for their response (empty on the GET stream). */
  pending: Set<JsonRpcId>;
  /** Rewrites a JSON-RPC message (tools/list filtering); the same object: the event goes out as it came. */
  rewrite(message: JsonRpcMessage): JsonRpcMessage;
}

const EVENT_END = /\r\n\r\n|\n\n|\r\r/;

/**
 * Relays an upstream's `text/event-stream` event by event: each event is passed on as the
 * bytes it came as unless `rewrite` changes its message; responses are ticked off the
 * pending requests so that, when the upstream stream breaks or ends early, every request
 * still waiting gets a JSON-RPC error event instead of silence. Piped, it keeps backpressure.
 */
export class SseRelay extends Transform {
  private readonly decoder = new StringDecoder('utf8');
  private buffer = '';

  constructor(private readonly options: SseRelayOptions) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.buffer += this.decoder.write(chunk);
    let match: RegExpExecArray | null;
    while ((match = EVENT_END.exec(this.buffer)) !== null) {
      const block = this.buffer.slice(0, match.index);
      const separator = match[0];
      this.buffer = this.buffer.slice(match.index + separator.length);
      this.push(this.relay(block) + separator);
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    this.buffer += this.decoder.end();
    if (this.buffer.trim() !== '') this.push(`${this.relay(this.buffer)}\n\n`);
    this.failPending('The MCP server ended the stream before answering', 'upstream_error');
    done();
  }

  /** Answers every request still waiting with a JSON-RPC error event (the upstream broke off or went silent). */
  failPending(message: string, type: 'upstream_error' | 'upstream_timeout'): void {
    for (const id of this.options.pending) {
      const code = type === 'upstream_timeout' ? -32002 : -32001;
      this.push(`event: message\ndata: ${JSON.stringify(errorResponse(id, code, message, type))}\n\n`);
    }
    this.options.pending.clear();
  }

  private relay(block: string): string {
    const lines = block.split(/\r\n|\n|\r/);
    const data = lines
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(line.startsWith('data: ') ? 6 : 5));
    if (data.length === 0) return block;
    let message: JsonRpcMessage;
    try {
      message = JSON.parse(data.join('\n')) as JsonRpcMessage;
    } catch {
      return block;
    }
    if (typeof message !== 'object' || message === null) return block;
    if ((typeof message.id === 'string' || typeof message.id === 'number') && message.method === undefined)
      this.options.pending.delete(message.id);
    const rewritten = this.options.rewrite(message);
    if (rewritten === message) return block;
    const kept = lines.filter((line) => !line.startsWith('data:'));
    return [...kept, `data: ${JSON.stringify(rewritten)}`].join('\n');
  }
}
