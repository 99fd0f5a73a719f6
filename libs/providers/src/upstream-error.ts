import { ErrorCode, GatewayException } from '@plexus/core';
import { errors as undiciErrors } from 'undici';
import type { UpstreamTarget } from './provider-adapter';
import { retryAfterSeconds } from './retry-after';

const MAX_PROVIDER_TEXT = 500;

/** Pulls a human-readable message out of a provider's error body, whatever its format. */
function providerMessage(bodyText: string): string {
  try {
    const parsed = JSON.parse(bodyText) as { error?: { message?: unknown } | string; message?: unknown };
    if (typeof parsed.error === 'string') return parsed.error;
    if (typeof parsed.error?.message === 'string') return parsed.error.message;
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // not JSON: the raw text is the message
  }
  return bodyText;
}

export function upstreamHttpError(
  target: UpstreamTarget,
  status: number,
  bodyText: string,
  headers: Record<string, string | string[] | undefined>,
): GatewayException {
  const text = providerMessage(bodyText).slice(0, MAX_PROVIDER_TEXT);
  return new GatewayException(ErrorCode.UPSTREAM_ERROR, {
    status,
    message: `${target.provider}/${target.model} returned ${status}: ${text}`,
    upstream: { provider: target.provider, model: target.model, status },
    retryAfterSeconds: retryAfterSeconds(status, headers, bodyText),
  });
}

export type StallPhase = 'ttfb' | 'throughput';

/**
 * A streamed answer that stalled: too few bytes before the TTFB deadline, or too little
 * throughput later. A timeout to the client (504, `upstream_timeout`); the pipeline tells
 * it apart because stalls cool a target down only where `stall_cooldown` is on.
 */
export class UpstreamStallError extends GatewayException {
  constructor(
    target: UpstreamTarget,
    readonly phase: StallPhase,
    detail: string,
  ) {
    super(ErrorCode.UPSTREAM_TIMEOUT, {
      message: `${target.provider}/${target.model} stalled: ${detail}`,
      upstream: { provider: target.provider, model: target.model },
    });
  }
}

/**
 * A successful answer with nothing in it (no text, reasoning, tool call or citation).
 * Another target may do better, and it says nothing about the target's health.
 */
export class EmptyCompletionError extends GatewayException {
  constructor(target: UpstreamTarget) {
    super(ErrorCode.UPSTREAM_INVALID_RESPONSE, {
      message: `${target.provider}/${target.model} answered with an empty completion`,
      upstream: { provider: target.provider, model: target.model },
    });
  }
}

/** Transport failures: timeouts are 504, everything else (refused, reset, DNS) 502. */
export function upstreamTransportError(target: UpstreamTarget, error: unknown): GatewayException {
  if (error instanceof GatewayException) return error;
  const upstream = { provider: target.provider, model: target.model };
  const timedOut =
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError ||
    error instanceof undiciErrors.ConnectTimeoutError;
  if (timedOut) {
    return new GatewayException(ErrorCode.UPSTREAM_TIMEOUT, {
      message: `${target.provider}/${target.model} timed out`,
      upstream,
      cause: error,
    });
  }
  const code =
    (error as { code?: string; cause?: { code?: string } }).code ??
    (error as { cause?: { code?: string } }).cause?.code;
  return new GatewayException(ErrorCode.UPSTREAM_UNREACHABLE, {
    message: `${target.provider}/${target.model} unreachable${code ? ` (${code})` : ''}`,
    upstream,
    cause: error,
  });
}
