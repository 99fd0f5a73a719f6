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

/** Fastify's own errors by code; see FOREIGN_ERROR_TABLE. */
const FASTIFY_ERRORS: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: ErrorCode.MALFORMED_JSON,
  FST_ERR_CTP_EMPTY_JSON_BODY: ErrorCode.MALFORMED_JSON,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ErrorCode.INVALID_REQUEST,
  FST_ERR_CTP_BODY_TOO_LARGE: ErrorCode.PAYLOAD_TOO_LARGE,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
  FST_ERR_CTP_INVALID_TYPE: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
};

/** Statuses of HTTP exceptions (Nest's, the management guard's) and the error each is; others by class. */
const HTTP_STATUS_ERRORS: Record<number, ErrorCode> = {
  401: ErrorCode.INVALID_API_KEY,
  403: ErrorCode.FORBIDDEN,
  404: ErrorCode.NOT_FOUND,
  408: ErrorCode.REQUEST_TIMEOUT,
  413: ErrorCode.PAYLOAD_TOO_LARGE,
  414: ErrorCode.URL_TOO_LONG,
  415: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
  429: ErrorCode.RATE_LIMITED,
  431: ErrorCode.HEADERS_TOO_LARGE,
};

/** Any error thrown while serving an inference request, as the gateway error it answers with. */
export function toGatewayException(exception: unknown): GatewayException {
  if (exception instanceof GatewayException) return exception;
  // Nest wraps Fastify's body-parsing errors in an HttpException; the cause tells which.
  const fastifyError = ((exception instanceof HttpException ? exception.cause : exception) ?? {}) as {
    statusCode?: number;
    code?: unknown;
    message?: string;
  };
  const fastifyCode = typeof fastifyError.code === 'string' ? FASTIFY_ERRORS[fastifyError.code] : undefined;
  if (fastifyCode !== undefined) {
    // Fastify's wording is kept where it names what was wrong (the content type, the length).
    const specific = fastifyCode === ErrorCode.UNSUPPORTED_MEDIA_TYPE || fastifyCode === ErrorCode.INVALID_REQUEST;
    return new GatewayException(fastifyCode, { message: specific ? fastifyError.message : undefined });
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const code = HTTP_STATUS_ERRORS[status] ?? (status < 500 ? ErrorCode.INVALID_REQUEST : ErrorCode.INTERNAL);
    return new GatewayException(code, { status, message: messageOf(exception) });
  }
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode < 500) {
    const status = fastifyError.statusCode;
    return new GatewayException(HTTP_STATUS_ERRORS[status] ?? ErrorCode.INVALID_REQUEST, {
      status,
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
