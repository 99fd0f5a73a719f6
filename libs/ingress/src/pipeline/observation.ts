import { GatewayException, type CanonicalRequest } from '@plexus/core';
import type { RouteTarget } from '@plexus/routing';
import type { ObservedError, ObservedRequest } from '@plexus/usage';
import type { RequestContext } from './request-context';

/** What the observers (debug traces, telemetry, the live feed) learn of a routed request. */
export function observedRequest(params: {
  context: RequestContext;
  request: CanonicalRequest;
  rawBody: unknown;
  alias: string;
  targets: RouteTarget[];
}): ObservedRequest {
  const { context, request } = params;
  const maxOutputTokens = request.sampling.maxOutputTokens;
  return {
    requestId: context.requestId,
    clientRequestId: context.clientRequestId,
    startTime: context.startTime,
    keyName: context.principal.keyName,
    attribution: context.principal.attribution,
    sourceIp: context.sourceIp,
    format: context.format,
    alias: params.alias,
    stream: request.stream,
    ...(maxOutputTokens !== undefined && { maxOutputTokens }),
    clientHeaders: context.clientHeaders ?? {},
    ...(context.clientUrl !== undefined && { clientUrl: context.clientUrl }),
    clientBody: params.rawBody,
    providers: params.targets.map((target) => target.provider),
  };
}

export function observedError(error: unknown): ObservedError {
  const gateway = GatewayException.from(error);
  return { type: gateway.code, message: gateway.message, status: gateway.body.upstream?.status ?? gateway.status };
}
