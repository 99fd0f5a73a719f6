import { HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { ErrorCode, GatewayException, type GatewayErrorBody } from '@plexus/core';
import { QuotaExceededException } from '@plexus/quota';
import type { FastifyReply } from 'fastify';
import type { AuthenticatedRequest } from '../pipeline/request-context';
import { overheadHeader } from '../pipeline/upstream-timing';

/**
 * Renders every failure of a route in its wire format's error body, with the right
 * status and Retry-After. One subclass per format supplies the body encoder.
 */
export abstract class WireExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(WireExceptionFilter.name);

  protected abstract encode(error: GatewayErrorBody): unknown;

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const error = toGatewayException(exception);
    if (error.code === ErrorCode.INTERNAL) this.logger.error(error.cause ?? error);
    if (reply.sent || reply.raw.headersSent) return;
    const context = (reply.request as AuthenticatedRequest).plexusContext;
    void reply.headers(overheadHeader(reply.elapsedTime, context?.upstream));
    if (error.retryAfterSeconds !== undefined) void reply.header('retry-after', String(error.retryAfterSeconds));
    if (error instanceof QuotaExceededException) {
      // The reference's quota 429 body is the same in every format.
      const body = error.wireBody();
      context?.responseCapture?.write(JSON.stringify(body));
      void reply.headers(error.headers).status(error.status).send(body);
      return;
    }
    const body = this.encode(error.body);
    // A traced request's trace shows the error body the client received.
    context?.responseCapture?.write(JSON.stringify(body));
    void reply.status(error.status).send(body);
  }
}

export function toGatewayException(exception: unknown): GatewayException {
  if (exception instanceof GatewayException) return exception;
  // Nest wraps Fastify's body-parsing errors in an HttpException; the cause tells which.
  const fastifyError = ((exception instanceof HttpException ? exception.cause : exception) ?? {}) as {
    statusCode?: number;
    code?: string;
    message?: string;
  };
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new GatewayException(ErrorCode.MALFORMED_JSON, { message: `Request body is not valid JSON` });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new GatewayException(ErrorCode.PAYLOAD_TOO_LARGE);
    case undefined:
    default:
      break;
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const code =
      status === 404
        ? ErrorCode.NOT_FOUND
        : status === 413
          ? ErrorCode.PAYLOAD_TOO_LARGE
          : status < 500
            ? ErrorCode.INVALID_REQUEST
            : ErrorCode.INTERNAL;
    return new GatewayException(code, { status, message: messageOf(exception) });
  }
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode < 500) {
    return new GatewayException(ErrorCode.INVALID_REQUEST, {
      status: fastifyError.statusCode,
      message: fastifyError.message ?? 'Invalid request',
    });
  }
  return GatewayException.from(exception);
}

/** The message a route put in its HttpException body (`{error:{message}}` or Nest's `{message}`), not Nest's generic "Http Exception". */
function messageOf(exception: HttpException): string {
  const body = exception.getResponse();
  if (typeof body === 'string') return body;
  const { message, error } = body as { message?: unknown; error?: unknown };
  const nested = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
  if (typeof nested === 'string') return nested;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.join('; ');
  return exception.message;
}
