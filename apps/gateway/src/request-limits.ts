import type { Environment } from '@plexus/config';
import { ErrorCode, GatewayException } from '@plexus/core';
import { clientFormatOfPath, encodeClientError } from '@plexus/ingress';
import type { FastifyInstance } from 'fastify';
import { STATUS_CODES, type ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import { Transform, type TransformCallback } from 'node:stream';

const MB = 1024 * 1024;

/**
 * Body limits by path prefix, first match wins: uploads a little over their 25 MB file
 * limit, backups and config imports up to 30 MB, inference bodies up to 30 MB (images
 * inline as base64), everything else (management calls) 1 MB.
 */
export const BODY_LIMITS: ReadonlyArray<readonly [prefix: string, bytes: number]> = [
  ['/v1/audio/transcriptions', 26 * MB],
  ['/v1/images/edits', 26 * MB],
  ['/v0/management/restore', 30 * MB],
  ['/v0/management/config', 30 * MB],
  ['/v1', 30 * MB],
  ['/completions', 30 * MB],
  ['/raw/', 30 * MB],
  ['/', 1 * MB],
];

/** The largest body any route takes: Fastify's own limit, for the parsers. */
export const MAX_BODY_LIMIT = Math.max(...BODY_LIMITS.map(([, bytes]) => bytes));

export function bodyLimitOf(url: string): number {
  const path = url.split('?', 1)[0] ?? '/';
  return BODY_LIMITS.find(([prefix]) => path.startsWith(prefix))?.[1] ?? MB;
}

/** Node's own server limits: header size, and how often it checks its header and request timeouts. */
export function serverLimitOptions(environment: Environment): { http: ServerOptions; requestTimeout: number } {
  return {
    http: { maxHeaderSize: environment.MAX_HEADER_BYTES, connectionsCheckingInterval: 1_000 },
    requestTimeout: environment.REQUEST_TIMEOUT_SECONDS * 1000,
  };
}

function refusal(code: string, statusCode: number, message: string): Error {
  return Object.assign(new Error(message), { code, statusCode });
}

/**
 * URL and body limits and body timeouts, enforced before any route runs; each refusal is an
 * error Fastify hands to the app's error handler, which renders it in the client's format.
 */
export function registerRequestLimits(fastify: FastifyInstance, environment: Environment): void {
  fastify.server.headersTimeout = environment.REQUEST_HEADERS_TIMEOUT_SECONDS * 1000;
  const idleMs = environment.REQUEST_BODY_IDLE_TIMEOUT_SECONDS * 1000;
  const totalMs = environment.REQUEST_TIMEOUT_SECONDS * 1000;

  fastify.addHook('onRequest', (request, _reply, done) => {
    if (Buffer.byteLength(request.url) > environment.MAX_URL_BYTES) {
      done(refusal('PLEXUS_URL_TOO_LONG', 414, `Request URL is longer than ${environment.MAX_URL_BYTES} bytes`));
      return;
    }
    const declared = Number(request.headers['content-length']);
    const limit = bodyLimitOf(request.url);
    if (Number.isFinite(declared) && declared > limit) {
      done(refusal('FST_ERR_CTP_BODY_TOO_LARGE', 413, `Request body is larger than ${limit} bytes`));
      return;
    }
    done();
  });

  fastify.addHook('preParsing', (request, reply, payload, done) => {
    const limit = bodyLimitOf(request.url);
    const startedAt = Date.now();
    let received = 0;
    let timer: NodeJS.Timeout | undefined;
    const guard = new Transform({
      transform(chunk: Buffer, _encoding, callback: TransformCallback) {
        received += chunk.length;
        if (received > limit) {
          callback(refusal('FST_ERR_CTP_BODY_TOO_LARGE', 413, `Request body is larger than ${limit} bytes`));
          return;
        }
        arm();
        callback(null, chunk);
      },
      flush(callback: TransformCallback) {
        clearTimeout(timer);
        callback();
      },
    });
    const timeOut = (message: string): void => {
      // The client is too slow to be worth keeping: answer, then close the connection.
      void reply.header('connection', 'close');
      guard.destroy(refusal('PLEXUS_REQUEST_TIMEOUT', 408, message));
    };
    const arm = (): void => {
      clearTimeout(timer);
      const left = totalMs - (Date.now() - startedAt);
      timer =
        left <= idleMs
          ? setTimeout(() => timeOut('The request body was not received in time'), Math.max(0, left))
          : setTimeout(() => timeOut(`The request body stalled for ${idleMs / 1000} s`), idleMs);
    };
    guard.on('close', () => clearTimeout(timer));
    payload.on('error', (error) => guard.destroy(error));
    arm();
    done(null, payload.pipe(guard));
  });
}

/**
 * Requests Node refuses before Fastify sees them (headers too large, header or request
 * timeouts, malformed HTTP): answered in the client's format when the request line shows
 * an inference path, then the connection is closed.
 */
export function clientErrorHandler(error: Error & { code?: string; rawPacket?: unknown }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const code =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? ErrorCode.HEADERS_TOO_LARGE
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? ErrorCode.REQUEST_TIMEOUT
        : ErrorCode.INVALID_REQUEST;
  const exception = new GatewayException(
    code,
    code === ErrorCode.INVALID_REQUEST ? { message: 'Malformed HTTP request' } : {},
  );
  const requestLine = /^[A-Z]+ (\S+) HTTP\//.exec(
    Buffer.isBuffer(error.rawPacket) ? error.rawPacket.subarray(0, 8192).toString('latin1') : '',
  );
  const format = requestLine?.[1] ? clientFormatOfPath(requestLine[1]) : null;
  const body = JSON.stringify(
    format
      ? encodeClientError(format, exception.body)
      : { error: { message: exception.message, type: 'invalid_request_error' } },
  );
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${exception.status} ${STATUS_CODES[exception.status] ?? 'Error'}\r\nConnection: close\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
