import type { FastifyRequest } from 'fastify';
import type { AuthenticatedRequest, RequestContext } from './request-context';
import { UpstreamTiming } from './upstream-timing';
import { WritableFlow } from './writable-flow';

const MAX_CLIENT_REQUEST_ID = 255;

export function createRequestContext(
  request: FastifyRequest & AuthenticatedRequest,
  format: RequestContext['format'],
): RequestContext {
  const principal = request.plexusPrincipal;
  if (!principal) throw new Error('ApiKeyGuard must run before a request context is created');
  const clientHeader = request.headers['x-client-request-id'];
  const clientRequestId =
    (Array.isArray(clientHeader) ? clientHeader[0] : clientHeader)?.trim().slice(0, MAX_CLIENT_REQUEST_ID) || null;
  const context: RequestContext = {
    requestId: request.id,
    clientRequestId,
    sourceIp: request.ip ?? null,
    principal,
    format,
    startTime: new Date(),
    startedAt: performance.now(),
    responseHeaders: {},
    upstream: new UpstreamTiming(),
    clientFlow: new WritableFlow(),
    clientHeaders: request.headers,
    clientUrl: request.url,
  };
  request.plexusContext = context;
  return context;
}

/**
 * Headers every inference response carries. The context's own object, so what the
 * pipeline adds to it later (quota headers) is still written with the answer.
 */
export function responseHeaders(context: RequestContext): Record<string, string> {
  context.responseHeaders ??= {};
  return Object.assign(context.responseHeaders, {
    'x-request-id': context.requestId,
    ...(context.clientRequestId !== null && { 'x-client-request-id': context.clientRequestId }),
  });
}
