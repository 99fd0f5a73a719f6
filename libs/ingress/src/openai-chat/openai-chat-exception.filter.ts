import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { ErrorCode, GatewayException } from '@plexus/core';
import { encodeChatErrorBody } from '@plexus/protocols/openai-chat';
import type { FastifyReply } from 'fastify';

/** Every failure of an OpenAI-format route, as an OpenAI error body with the right status. */
@Catch()
export class OpenAiChatExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(OpenAiChatExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const error = toGatewayException(exception);
    if (error.code === ErrorCode.INTERNAL) this.logger.error(error.cause ?? error);
    if (reply.sent || reply.raw.headersSent) return;
    if (error.retryAfterSeconds !== undefined) void reply.header('retry-after', String(error.retryAfterSeconds));
    void reply.status(error.status).send(encodeChatErrorBody(error.body));
  }
}

export function toGatewayException(exception: unknown): GatewayException {
  if (exception instanceof GatewayException) return exception;
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const code =
      status === 404 ? ErrorCode.NOT_FOUND : status === 413 ? ErrorCode.PAYLOAD_TOO_LARGE : status < 500 ? ErrorCode.INVALID_REQUEST : ErrorCode.INTERNAL;
    return new GatewayException(code, { status, message: exception.message });
  }
  const fastifyError = exception as { statusCode?: number; code?: string; message?: string };
  if (fastifyError.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fastifyError.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || exception instanceof SyntaxError) {
    return new GatewayException(ErrorCode.MALFORMED_JSON, { message: `Request body is not valid JSON: ${fastifyError.message ?? ''}`.trim() });
  }
  if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new GatewayException(ErrorCode.PAYLOAD_TOO_LARGE);
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode < 500) {
    return new GatewayException(ErrorCode.INVALID_REQUEST, { status: fastifyError.statusCode, message: fastifyError.message ?? 'Invalid request' });
  }
  return GatewayException.from(exception);
}
