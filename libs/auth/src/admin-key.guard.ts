import {
  ForbiddenException,
  HttpException,
  HttpStatus,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Environment } from '@plexus/config';
import type { IncomingMessage } from 'node:http';
import { AdminLoginThrottle } from './admin-login-throttle';
import { ApiKeyDirectory } from './api-key-directory.service';
import { OidcVerifier } from './oidc-verifier.service';
import { ALLOW_LIMITED, type ManagementPrincipal, type ManagementRequest } from './management-principal';
import { secretsEqual } from './secret-hash';
import { TrustedProxies } from './trusted-proxies.service';

type HeaderValue = string | string[] | undefined;

interface GuardedRequest extends ManagementRequest {
  headers: Record<string, HeaderValue>;
  raw: IncomingMessage;
}

interface HeaderReply {
  header(name: string, value: string): unknown;
}

/** A compact JWS: header.payload.signature. */
const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;

function first(value: HeaderValue): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Management API authentication. A presented key (`x-admin-key`, or `Authorization:
 * Bearer`) decides: ADMIN_KEY (constant-time) is the admin; an API key's own secret is a
 * limited principal, admitted only on routes marked `@AllowLimited()` and refused with 403
 * elsewhere; anything else is 401 and counts as a failed login for the client's address and
 * the credential (answered later and later, then 429 with Retry-After: AdminLoginThrottle). Without a key, a request from a trusted
 * proxy that names a user in SSO_USER_HEADER is that user, as admin; the header is ignored
 * from anywhere else. With OIDC configured, a Bearer ID token of an allowed user is an
 * admin too.
 */
@Injectable()
export class AdminKeyGuard implements CanActivate {
  private readonly adminKey: string;
  private readonly ssoHeader: string;

  constructor(
    env: Environment,
    private readonly directory: ApiKeyDirectory,
    private readonly reflector: Reflector,
    private readonly proxies: TrustedProxies,
    private readonly throttle: AdminLoginThrottle,
    private readonly oidc: OidcVerifier,
  ) {
    this.adminKey = env.ADMIN_KEY;
    this.ssoHeader = env.SSO_USER_HEADER.toLowerCase();
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    const peer = request.raw.socket.remoteAddress;
    const address = this.proxies.clientAddress(peer, request.headers['x-forwarded-for']);
    request.clientAddress = address;
    const principal = await this.authenticate(request, peer, address, context);
    if (
      principal.role === 'limited' &&
      !this.reflector.getAllAndOverride<boolean | undefined>(ALLOW_LIMITED, [context.getHandler(), context.getClass()])
    ) {
      throw new ForbiddenException({ error: { message: 'Forbidden: admin only', type: 'forbidden', code: 403 } });
    }
    request.managementPrincipal = principal;
    return true;
  }

  private async authenticate(
    request: GuardedRequest,
    peer: string | undefined,
    address: string | null,
    context: ExecutionContext,
  ): Promise<ManagementPrincipal> {
    const presented = presentedKey(request.headers);
    if (presented === undefined) {
      const user = this.proxies.isTrusted(peer) ? first(request.headers[this.ssoHeader])?.trim() : undefined;
      if (user) return { role: 'admin', via: 'sso', user };
      throw unauthorized();
    }
    if (secretsEqual(presented, this.adminKey)) return { role: 'admin', via: 'admin-key' };
    const limited = this.directory.authenticate(presented, null, address);
    if (limited.ok) return { role: 'limited', ...limited.principal };
    if (this.oidc.enabled && JWT_SHAPE.test(presented)) {
      const identity = await this.oidc.verify(presented);
      if (identity) return { role: 'admin', via: 'oidc', user: identity.user };
    }
    // Only failures are throttled: the right key always gets in, whoever shares its address.
    const verdict = await this.throttle.recordFailure(address ?? 'unknown', presented);
    if (verdict.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, verdict.delayMs));
    if (verdict.retryAfterSeconds > 0) {
      context.switchToHttp().getResponse<HeaderReply>().header('retry-after', String(verdict.retryAfterSeconds));
      throw new HttpException(
        { error: { message: 'Too many failed login attempts; try again later', type: 'rate_limit_error', code: 429 } },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    throw unauthorized();
  }
}

function presentedKey(headers: Record<string, HeaderValue>): string | undefined {
  const adminKey = first(headers['x-admin-key'])?.trim();
  if (adminKey) return adminKey;
  const bearer = /^Bearer\s+(.+)$/i.exec(first(headers['authorization'])?.trim() ?? '');
  return bearer?.[1]?.trim() || undefined;
}

function unauthorized(): UnauthorizedException {
  return new UnauthorizedException({ error: { message: 'Unauthorized', type: 'auth_error', code: 401 } });
}
