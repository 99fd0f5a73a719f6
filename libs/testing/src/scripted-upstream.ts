import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ProviderRules } from './strict-upstream';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
  /** The body's bytes as received (multipart uploads, binary). */
  raw: Buffer;
}

/** An SSE event: its data, or a named event (`event: <name>` before the data). */
export type ScriptedEvent = string | { event: string; data: string };

export type ScriptedReply =
  | { kind: 'json'; status?: number; body: unknown; headers?: Record<string, string> }
  | { kind: 'sse'; events: ScriptedEvent[]; delayMs?: number; headers?: Record<string, string> }
  /** Sends the first `events`, then keeps the connection open without another byte. */
  | { kind: 'hang'; events?: ScriptedEvent[] }
  /** Drops the connection without answering. */
  | { kind: 'destroy' }
  /** Reads the request, then never answers: no status line, no headers. */
  | { kind: 'silent' }
  /** Sends the events, then drops the connection mid-stream. */
  | { kind: 'cut'; events: ScriptedEvent[] }
  /** Sends a raw SSE body as it is (malformed frames included). */
  | { kind: 'raw-sse'; body: string }
  /** Sends bytes under a content type (audio, plain text), in `chunks` writes when given. */
  | { kind: 'bytes'; contentType: string; body: Buffer; chunks?: number };

export type ScriptHandler = (request: RecordedRequest) => ScriptedReply;

export interface ScriptedUpstreamOptions {
  /**
   * Refuse what the real provider refuses (default). Off only for an OpenAI-compatible server
   * that takes fields OpenAI itself does not.
   */
  strict?: boolean;
}

/**
 * A provider on loopback that answers each request with what the test scripted, in the
 * provider's own wire format, and records what it received.
 */
export class ScriptedUpstream {
  readonly requests: RecordedRequest[] = [];
  /** Set when a client closed a connection before its reply was complete. */
  readonly aborted: RecordedRequest[] = [];
  private handler: ScriptHandler = () => ({ kind: 'json', status: 500, body: { error: { message: 'no script' } } });
  /** Requests refused by the provider's rules, each with the refusal the client got. */
  readonly refused: { request: RecordedRequest; status: number; body: unknown }[] = [];
  private readonly rules = new ProviderRules();
  private readonly server: Server;

  private constructor(private readonly strict: boolean) {
    this.server = createServer((request, response) => void this.handle(request, response));
  }

  static async start(options: ScriptedUpstreamOptions = {}): Promise<ScriptedUpstream> {
    const upstream = new ScriptedUpstream(options.strict ?? true);
    await new Promise<void>((resolve) => upstream.server.listen(0, '127.0.0.1', resolve));
    return upstream;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  script(handler: ScriptHandler): void {
    this.handler = handler;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const text = raw.toString('utf8');
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // recorded as text
    }
    const recorded: RecordedRequest = {
      method: request.method ?? 'GET',
      path: request.url ?? '/',
      headers: request.headers,
      body,
      raw,
    };
    this.requests.push(recorded);
    response.on('close', () => {
      if (!response.writableFinished) this.aborted.push(recorded);
    });
    const refusal = this.strict ? this.rules.judge(recorded.method, recorded.path, body) : undefined;
    if (refusal !== undefined) {
      this.refused.push({ request: recorded, ...refusal });
      response.writeHead(refusal.status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(refusal.body));
      return;
    }
    const reply = this.handler(recorded);
    this.issueSignatures(reply);
    switch (reply.kind) {
      case 'json':
        response.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
        response.end(JSON.stringify(reply.body));
        return;
      case 'sse':
        response.writeHead(200, { 'content-type': 'text/event-stream', ...reply.headers });
        for (const event of reply.events) {
          if (response.destroyed) return;
          response.write(frame(event));
          if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
        }
        response.end();
        return;
      case 'hang':
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        for (const event of reply.events ?? []) response.write(frame(event));
        return;
      case 'destroy':
        request.socket.destroy();
        return;
      case 'silent':
        return;
      case 'cut':
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        for (const event of reply.events) response.write(frame(event));
        setTimeout(() => request.socket.destroy(), 20);
        return;
      case 'raw-sse':
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.end(reply.body);
        return;
      case 'bytes': {
        response.writeHead(200, { 'content-type': reply.contentType });
        const size = Math.ceil(reply.body.length / (reply.chunks ?? 1));
        for (let offset = 0; offset < reply.body.length; offset += size) {
          response.write(reply.body.subarray(offset, offset + size));
          await new Promise((resolve) => setImmediate(resolve));
        }
        response.end();
        return;
      }
    }
  }

  private issueSignatures(reply: ScriptedReply): void {
    if (reply.kind === 'json') this.rules.issue(reply.body);
    if (reply.kind === 'sse' || reply.kind === 'hang' || reply.kind === 'cut') {
      for (const event of reply.events ?? []) this.rules.issue(typeof event === 'string' ? event : event.data);
    }
    if (reply.kind === 'raw-sse') {
      for (const line of reply.body.split('\n')) if (line.startsWith('data:')) this.rules.issue(line.slice(5).trim());
    }
  }
}

function frame(event: ScriptedEvent): string {
  return typeof event === 'string' ? `data: ${event}\n\n` : `event: ${event.event}\ndata: ${event.data}\n\n`;
}
