import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ApiKeyDirectory, TrustedProxies, extractPresentedKey } from '@plexus/auth';
import { ErrorCode, GatewayException } from '@plexus/core';
import type { FastifyRequest } from 'fastify';
import type { AuthenticatedRequest } from './pipeline/request-context';

const REFUSALS = {
  unknown: 'Invalid API key',
  disabled: 'API key is disabled',
  expired: 'API key has expired',
  address_not_allowed: 'API key is not allowed from this address',
} as const;

/** Authenticates inference requests by Plexus API key; failures render in the route's format. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly directory: ApiKeyDirectory,
    private readonly proxies: TrustedProxies,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest & AuthenticatedRequest>();
    const presented = extractPresentedKey(request.headers, request.query as Record<string, unknown>);
    if (!presented) {
      throw new GatewayException(ErrorCode.MISSING_API_KEY, {
        message: 'Missing API key: send it as Authorization: Bearer <key> or x-api-key',
      });
    }
    const address = this.proxies.clientAddress(request.raw.socket.remoteAddress, request.headers['x-forwarded-for']);
    const result = this.directory.authenticate(presented.secret, presented.attribution, address);
    if (!result.ok) throw new GatewayException(ErrorCode.INVALID_API_KEY, { message: REFUSALS[result.reason] });
    request.plexusPrincipal = result.principal;
    return true;
  }
}
