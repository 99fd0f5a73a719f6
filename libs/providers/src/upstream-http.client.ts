import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Agent, request, type Dispatcher } from 'undici';

export interface UpstreamPost {
  url: string;
  headers: Record<string, string>;
  body: string | Uint8Array;
  signal: AbortSignal;
  timeoutMs: number;
}

/** One keep-alive connection pool shared by every adapter. */
@Injectable()
export class UpstreamHttpClient implements OnApplicationShutdown {
  private readonly agent = new Agent({
    connect: { timeout: 10_000 },
    keepAliveTimeout: 30_000,
    connections: 256,
  });

  post(call: UpstreamPost): Promise<Dispatcher.ResponseData> {
    return request(call.url, {
      method: 'POST',
      headers: call.headers,
      body: call.body,
      signal: call.signal,
      dispatcher: this.agent,
      headersTimeout: call.timeoutMs,
      bodyTimeout: call.timeoutMs,
    });
  }

  get(call: Omit<UpstreamPost, 'body'>): Promise<Dispatcher.ResponseData> {
    return request(call.url, {
      method: 'GET',
      headers: call.headers,
      signal: call.signal,
      dispatcher: this.agent,
      headersTimeout: call.timeoutMs,
      bodyTimeout: call.timeoutMs,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.agent.close();
  }
}
