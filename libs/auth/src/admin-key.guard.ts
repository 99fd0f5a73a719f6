import { ForbiddenException, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Environment } from '@plexus/config';
import { ApiKeyDirectory } from './api-key-directory.service';
import { ALLOW_LIMITED, type ManagementRequest } from './management-principal';
import { secretsEqual } from './secret-hash';

/**
 * Management API authentication by `x-admin-key`: ADMIN_KEY (constant-time) is the
 * admin; an API key's own secret is a limited principal, admitted only on routes marked
 * `@AllowLimited()` and refused with 403 elsewhere; anything else is 401.
 */
@Injectable()
export class AdminKeyGuard implements CanActivate {
  constructor(
    private readonly env: Environment,
    private readonly directory: ApiKeyDirectory,
    private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<ManagementRequest & { headers: Record<string, string | string[] | undefined> }>();
    const header = request.headers['x-admin-key'];
    const presented = Array.isArray(header) ? header[0] : header;
    if (presented && secretsEqual(presented, this.env.ADMIN_KEY)) {
      request.managementPrincipal = { role: 'admin' };
      return true;
    }
    const limited = presented ? this.directory.authenticate(presented, null) : null;
    if (!limited?.ok) throw new UnauthorizedException({ error: { message: 'Unauthorized', type: 'auth_error', code: 401 } });
    const allowed = this.reflector.getAllAndOverride<boolean | undefined>(ALLOW_LIMITED, [context.getHandler(), context.getClass()]);
    if (!allowed) throw new ForbiddenException({ error: { message: 'Forbidden: admin only', type: 'forbidden', code: 403 } });
    request.managementPrincipal = { role: 'limited', ...limited.principal };
    return true;
  }
}
