// The least a Node reverse proxy can do: every request goes to the target unchanged, and
// both bodies stream through without being parsed. It is the baseline of what any proxy
// costs, against which the gateway's own work is measured.
//
//   node bench/bare-proxy.mjs --target http://127.0.0.1:<port> [--port 0]
//
// Prints `bare-proxy: listening on http://127.0.0.1:<port>` once it accepts requests.
import { Agent, createServer, request as httpRequest } from 'node:http';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const HOST = '127.0.0.1';

/** Hop-by-hop headers (RFC 9110 §7.6.1) stay on their own connection. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

function forwardable(headers, host) {
  const out = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!HOP_BY_HOP.has(name)) out[name] = value;
  }
  if (host) out.host = host;
  return out;
}

/** Starts the proxy; resolves to { url, port, server, close() }. */
export async function startBareProxy({ target, port = 0 }) {
  const upstream = new URL(target);
  if (upstream.protocol !== 'http:') throw new Error(`bare-proxy: only http:// targets, got ${target}`);
  if (!/^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(upstream.hostname)) {
    throw new Error(`bare-proxy: only loopback targets, got ${upstream.hostname}`);
  }
  const agent = new Agent({
    keepAlive: true,
    keepAliveMsecs: 30_000,
    maxSockets: 256,
    scheduling: 'lifo',
  });
  const basePath = upstream.pathname.replace(/\/+$/, '');

  const server = createServer({ keepAlive: true, noDelay: true }, (request, response) => {
    const outgoing = httpRequest(
      {
        agent,
        host: upstream.hostname,
        port: upstream.port,
        method: request.method,
        path: basePath + request.url,
        headers: forwardable(request.headers, upstream.host),
      },
      (upstreamResponse) => {
        response.writeHead(upstreamResponse.statusCode ?? 502, forwardable(upstreamResponse.headers));
        upstreamResponse.pipe(response);
      },
    );
    outgoing.on('error', (error) => {
      if (!response.headersSent) {
        const text = JSON.stringify({
          error: { message: `bare-proxy: upstream failed: ${error.message}` },
        });
        response.writeHead(502, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(text),
        });
        response.end(text);
      } else {
        response.destroy(error);
      }
    });
    // A client that goes away aborts its upstream request.
    response.on('close', () => {
      if (!response.writableFinished) outgoing.destroy();
    });
    request.pipe(outgoing);
  });
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
        server.close(() => {
          agent.destroy();
          resolve();
        });
      }),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: {
      target: { type: 'string' },
      port: { type: 'string', default: '0' },
    },
  });
  if (!values.target) {
    process.stderr.write('usage: node bench/bare-proxy.mjs --target http://127.0.0.1:<port> [--port 0]\n');
    process.exit(2);
  }
  const proxy = await startBareProxy({
    target: values.target,
    port: Number(values.port),
  });
  process.stdout.write(`bare-proxy: listening on ${proxy.url}\n`);
  const stop = () => void proxy.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
