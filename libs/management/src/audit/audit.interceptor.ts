import {
  HttpException,
  Injectable,
  Logger,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import { principalActor, type ManagementRequest } from '@plexus/auth';
import { AuditLogRepository } from '@plexus/persistence';
import { from, mergeMap, throwError, catchError, type Observable } from 'rxjs';

interface AuditedRequest extends ManagementRequest {
  id?: string;
  method: string;
  url: string;
  params?: Record<string, string>;
  query?: Record<string, unknown>;
  routeOptions?: { url?: string };
}

/** Query parameters that name what a change applies to; any other (a `?key=`...) is never recorded. */
const TARGET_QUERY = ['keyName', 'model', 'olderThanDays', 'cascade'];

/**
 * Records a change made through a route marked `@Audited()`: who (SSO user, `admin-key`, or
 * the API key's name), what (method, path, the route's parameters as target), when, and the
 * status it ended with. Bodies are never recorded, so no secret reaches the log. Requests
 * refused by the guard never get here.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  private readonly logger = new Logger(AuditInterceptor.name);

  constructor(
    private readonly audit: AuditLogRepository,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<AuditedRequest>();
    if (!request.managementPrincipal) return next.handle();
    const successStatus =
      this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler()) ??
      (request.method === 'POST' ? 201 : 200);
    return next.handle().pipe(
      mergeMap((result: unknown) => from(this.record(request, successStatus).then(() => result))),
      catchError((error: unknown) =>
        from(this.record(request, statusOf(error))).pipe(mergeMap(() => throwError(() => error))),
      ),
    );
  }

  private async record(request: AuditedRequest, status: number): Promise<void> {
    const principal = request.managementPrincipal;
    if (!principal) return;
    const { actor, kind } = principalActor(principal);
    try {
      await this.audit.record({
        actor: actor.slice(0, 320),
        actorKind: kind,
        method: request.method,
        path: (request.url.split('?', 1)[0] ?? '').slice(0, 2048),
        target: targetOf(request),
        status,
        requestId: request.id ?? null,
        sourceIp: request.clientAddress ?? null,
      });
    } catch (error) {
      this.logger.error(
        `could not record ${request.method} ${request.routeOptions?.url} in the audit log: ${(error as Error).message}`,
      );
    }
  }
}

function targetOf(request: AuditedRequest): string | null {
  const parts = Object.entries(request.params ?? {}).map(([name, value]) => `${name}=${value}`);
  for (const name of TARGET_QUERY) {
    const value = request.query?.[name];
    if (typeof value === 'string') parts.push(`${name}=${value}`);
  }
  return parts.length > 0 ? parts.join('&').slice(0, 512) : null;
}

function statusOf(error: unknown): number {
  if (error instanceof HttpException) return error.getStatus();
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}
