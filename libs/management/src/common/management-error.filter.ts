import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ManagementError } from './management-error';

/** Renders a {@link ManagementError} with the status and body its code maps to. */
@Catch(ManagementError)
export class ManagementErrorFilter implements ExceptionFilter<ManagementError> {
  catch(error: ManagementError, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (reply.sent) return;
    void reply.status(error.getStatus()).send(error.getResponse());
  }
}
