import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the scripted upstream answers: an OpenAI chat completion with fixed usage. */
export const UPSTREAM_USAGE = { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 };
export const UPSTREAM_REPLY = 'Hello from the scripted upstream';

export interface ScriptedOpenAi {
  readonly url: string;
  readonly requests: { path: string; authorization: string | undefined; body: unknown }[];
  /** The next chat completion fails with this HTTP status (an OpenAI error body). */
  failNext(status: number): void;
  stop(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}

/** A tiny OpenAI-compatible upstream on loopback: /v1/chat/completions (JSON or SSE) and /v1/models. */
export async function startUpstream(): Promise<ScriptedOpenAi> {
  const requests: { path: string; authorization: string | undefined; body: unknown }[] = [];
  let failWith: number | null = null;
  const server: Server = createServer((request, response) => {
    void (async () => {
      const body = (await readBody(request)) as { model?: string; stream?: boolean } | undefined;
      const path = request.url ?? '/';
      requests.push({ path, authorization: request.headers.authorization, body });
      if (request.method === 'GET' && path.endsWith('/models')) {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ object: 'list', data: [{ id: 'mock-model', object: 'model' }] }));
        return;
      }
      if (request.method !== 'POST' || !path.endsWith('/chat/completions')) {
        response.writeHead(404, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { message: `no route ${path}` } }));
        return;
      }
      if (failWith !== null) {
        const status = failWith;
        failWith = null;
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { message: `scripted failure ${status}`, type: 'server_error' } }));
        return;
      }
      const id = `chatcmpl-${requests.length}`;
      const model = body?.model ?? 'mock-model';
      const created = Math.floor(Date.now() / 1000);
      if (body?.stream) {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        const chunk = (delta: object, finish: string | null, usage?: object): string =>
          `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish }], ...(usage && { usage }) })}\n\n`;
        response.write(chunk({ role: 'assistant', content: UPSTREAM_REPLY }, null));
        response.write(chunk({}, 'stop', UPSTREAM_USAGE));
        response.end('data: [DONE]\n\n');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          id,
          object: 'chat.completion',
          created,
          model,
          choices: [{ index: 0, message: { role: 'assistant', content: UPSTREAM_REPLY }, finish_reason: 'stop' }],
          usage: UPSTREAM_USAGE,
        }),
      );
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    failNext: (status) => {
      failWith = status;
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
