import { Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Environment } from '@plexus/config';
import { secretsEqual } from './secret-hash';

/** Admits requests whose `x-admin-key` equals ADMIN_KEY (constant-time). */
@Injectable()
export class AdminKeyGuard implements CanActivate {
  constructor(private readonly env: Environment) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>();
    const header = request.headers['x-admin-key'];
    const presented = Array.isArray(header) ? header[0] : header;
    if (presented && secretsEqual(presented, this.env.ADMIN_KEY)) return true;
    throw new UnauthorizedException({ error: { message: 'Unauthorized', type: 'auth_error', code: 401 } });
  }
}
