import { ErrorCode, GatewayException } from '@plexus/core';
import { errors as undiciErrors } from 'undici';
import type { UpstreamTarget } from './provider-adapter';

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

/** Seconds from a Retry-After header: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const header = Array.isArray(value) ? value[0] : value;
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

export function upstreamHttpError(
  target: UpstreamTarget,
  status: number,
  bodyText: string,
  retryAfter: string | string[] | undefined,
): GatewayException {
  const text = providerMessage(bodyText).slice(0, MAX_PROVIDER_TEXT);
  return new GatewayException(ErrorCode.UPSTREAM_ERROR, {
    status,
    message: `${target.provider}/${target.model} returned ${status}: ${text}`,
    upstream: { provider: target.provider, model: target.model, status },
    retryAfterSeconds: parseRetryAfter(retryAfter),
  });
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
  const code = (error as { code?: string; cause?: { code?: string } }).code ?? (error as { cause?: { code?: string } }).cause?.code;
  return new GatewayException(ErrorCode.UPSTREAM_UNREACHABLE, {
    message: `${target.provider}/${target.model} unreachable${code ? ` (${code})` : ''}`,
    upstream,
    cause: error,
  });
}
