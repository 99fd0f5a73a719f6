import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ApiKeyDirectory, extractPresentedKey } from '@plexus/auth';
import { ErrorCode, GatewayException } from '@plexus/core';
import type { FastifyRequest } from 'fastify';
import type { AuthenticatedRequest } from './pipeline/request-context';

/** Authenticates inference requests by Plexus API key; failures render in the route's format. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(private readonly directory: ApiKeyDirectory) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest & AuthenticatedRequest>();
    const presented = extractPresentedKey(request.headers, request.query as Record<string, unknown>);
    if (!presented) {
      throw new GatewayException(ErrorCode.MISSING_API_KEY, {
        message: 'Missing API key: send it as Authorization: Bearer <key> or x-api-key',
      });
    }
    const result = this.directory.authenticate(presented.secret, presented.attribution);
    if (!result.ok) {
      const message =
        result.reason === 'unknown' ? 'Invalid API key' : result.reason === 'disabled' ? 'API key is disabled' : 'API key has expired';
      throw new GatewayException(ErrorCode.INVALID_API_KEY, { message });
    }
    request.plexusPrincipal = result.principal;
    return true;
  }
}
