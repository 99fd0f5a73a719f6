// An OpenAI-compatible Chat Completions upstream on loopback, as cheap as it can be, so
// the benchmark measures what sits in front of it.
//
//   node bench/mock-upstream.mjs [--port 0] [--delay-ms 0] [--chunk-delay-ms 0]
//
// Prints `mock-upstream: listening on http://127.0.0.1:<port>` once it accepts requests.
// --delay-ms waits before answering; --chunk-delay-ms waits between streamed frames.
// Both are 0 by default: no artificial delay.
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

/** Loopback only: the benchmark never listens anywhere else. */
const HOST = '127.0.0.1';
const CONTENT = ['Hello', ' from', ' the mock'];
const USAGE = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts the mock; resolves to { url, port, server, close() }. */
export async function startMockUpstream({ port = 0, delayMs = 0, chunkDelayMs = 0 } = {}) {
  let counter = 0;
  const server = createServer({ keepAlive: true, noDelay: true }, (request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method !== 'POST' || !request.url.endsWith('/chat/completions')) {
        sendJson(response, 404, {
          error: {
            message: `no route for ${request.method} ${request.url}`,
            type: 'invalid_request_error',
          },
        });
        return;
      }
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        sendJson(response, 400, {
          error: {
            message: 'body is not valid JSON',
            type: 'invalid_request_error',
          },
        });
        return;
      }
      const reply = () => answer(response, body, `chatcmpl-mock-${++counter}`, chunkDelayMs);
      if (delayMs > 0) setTimeout(reply, delayMs);
      else reply();
    });
  });
  // Longer than any benchmark run, so load generators keep their connections.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 121_000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, resolve);
  });
  const address = server.address();
  return {
    server,
    port: address.port,
    url: `http://${HOST}:${address.port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function sendJson(response, status, value) {
  const text = JSON.stringify(value);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

function answer(response, body, id, chunkDelayMs) {
  const model = typeof body?.model === 'string' ? body.model : 'mock-model';
  const created = Math.floor(Date.now() / 1000);
  if (body?.stream !== true) {
    sendJson(response, 200, {
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: CONTENT.join('') },
          finish_reason: 'stop',
        },
      ],
      usage: USAGE,
    });
    return;
  }
  const chunk = (choices, extra) =>
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices, ...extra })}\n\n`;
  const frames = [
    chunk([
      {
        index: 0,
        delta: { role: 'assistant', content: '' },
        finish_reason: null,
      },
    ]),
    ...CONTENT.map((content) => chunk([{ index: 0, delta: { content }, finish_reason: null }])),
    chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]),
    chunk([], { usage: USAGE }),
    'data: [DONE]\n\n',
  ];
  response.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
  });
  if (chunkDelayMs <= 0) {
    // Each frame its own write, as a real upstream produces them.
    for (const frame of frames) response.write(frame);
    response.end();
    return;
  }
  void (async () => {
    for (const frame of frames) {
      if (response.destroyed) return;
      response.write(frame);
      await sleep(chunkDelayMs);
    }
    response.end();
  })();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      'delay-ms': { type: 'string', default: process.env.MOCK_DELAY_MS ?? '0' },
      'chunk-delay-ms': {
        type: 'string',
        default: process.env.MOCK_CHUNK_DELAY_MS ?? '0',
      },
    },
  });
  const mock = await startMockUpstream({
    port: Number(values.port),
    delayMs: Number(values['delay-ms']),
    chunkDelayMs: Number(values['chunk-delay-ms']),
  });
  process.stdout.write(`mock-upstream: listening on ${mock.url}\n`);
  const stop = () => void mock.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
