import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { ErrorCode } from '@plexus/core';
import { clientFormatOfPath, encodeClientError, toGatewayException } from '@plexus/ingress';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AdminAssets } from './admin-assets';

/**
 * Errors of every route without a format-specific filter, and of every request refused
 * before its route ran (body parser, limits, unknown paths: Fastify's error and not-found
 * handlers end here): inference paths in their client format (decided by the path alone,
 * see client-format.ts), management with the exception's own body, and unknown GET paths
 * outside the APIs fall back to the admin console's index.html (client-side routes).
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpErrorFilter.name);

  constructor(private readonly adminAssets: AdminAssets) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    if (reply.sent) return;
    const path = request.url.split('?', 1)[0] ?? '/';
    const status = exception instanceof HttpException ? exception.getStatus() : statusOf(exception);

    if (status === 404 && request.method === 'GET' && this.adminAssets.servesPath(path)) {
      void reply
        .status(200)
        .header('cache-control', 'no-cache')
        .type('text/html; charset=utf-8')
        .send(this.adminAssets.indexHtml());
      return;
    }
    const format = clientFormatOfPath(path);
    if (format !== null) {
      const error = toGatewayException(exception);
      if (error.code === ErrorCode.INTERNAL) this.logger.error(error.cause ?? error);
      if (error.retryAfterSeconds !== undefined) void reply.header('retry-after', String(error.retryAfterSeconds));
      void reply.status(error.status).send(encodeClientError(format, error.body));
      return;
    }
    if (exception instanceof HttpException) {
      const body = exception.getResponse();
      void reply
        .status(status)
        .send(typeof body === 'string' ? { error: { message: body, type: typeOf(status) } } : normalize(body, status));
      return;
    }
    if (status >= 500) this.logger.error(exception);
    const message = status >= 500 ? 'Internal error' : ((exception as Error).message ?? 'Bad request');
    void reply.status(status).send({ error: { message, type: typeOf(status) } });
  }
}

function statusOf(exception: unknown): number {
  const status = (exception as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}

function typeOf(status: number): string {
  if (status === 401) return 'auth_error';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  return status >= 500 ? 'api_error' : 'invalid_request_error';
}

/** Nest's own `{statusCode, message, error}` bodies become `{error:{message,type}}`. */
function normalize(body: object, status: number): object {
  if ('details' in body || ('error' in body && typeof body.error === 'object')) return body;
  const message = 'message' in body ? body.message : undefined;
  const text = Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : 'Error';
  return { error: { message: text, type: typeOf(status) } };
}
