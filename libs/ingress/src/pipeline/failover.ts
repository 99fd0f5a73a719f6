import { ErrorCode, GatewayException } from '@plexus/core';
import { catchError, defer, tap, throwError, type Observable } from 'rxjs';

/** Upstream statuses after which the next target may well succeed. */
const RETRYABLE_STATUSES = new Set([402, 408, 409, 425, 429, 500, 502, 503, 504]);

export function isRetryable(error: unknown): boolean {
  if (!(error instanceof GatewayException)) return false;
  switch (error.code) {
    case ErrorCode.UPSTREAM_UNREACHABLE:
    case ErrorCode.UPSTREAM_TIMEOUT:
    case ErrorCode.UPSTREAM_INVALID_RESPONSE:
      return true;
    case ErrorCode.UPSTREAM_ERROR:
      return RETRYABLE_STATUSES.has(error.status) || error.status > 500;
    case ErrorCode.INVALID_REQUEST:
    case ErrorCode.MALFORMED_JSON:
    case ErrorCode.PAYLOAD_TOO_LARGE:
    case ErrorCode.MISSING_API_KEY:
    case ErrorCode.INVALID_API_KEY:
    case ErrorCode.FORBIDDEN:
    case ErrorCode.MODEL_NOT_FOUND:
    case ErrorCode.PROVIDER_NOT_FOUND:
    case ErrorCode.NOT_FOUND:
    case ErrorCode.RESPONSE_NOT_FOUND:
    case ErrorCode.NO_HEALTHY_TARGET:
    case ErrorCode.UNSUPPORTED_API_FORMAT:
    case ErrorCode.INTERNAL:
      return false;
  }
}

export interface FailoverHooks {
  onAttemptStart(index: number): void;
  onAttemptFailed(index: number, error: unknown): void;
}

/**
 * Tries `attempt(0)`, then the next ones while an attempt fails retryably before it has
 * emitted anything: once a chunk is out, the stream is committed to its target.
 */
export function withFailover<T>(
  count: number,
  attempt: (index: number) => Observable<T>,
  hooks: FailoverHooks,
): Observable<T> {
  const run = (index: number): Observable<T> =>
    defer(() => {
      let emitted = false;
      hooks.onAttemptStart(index);
      return attempt(index).pipe(
        tap(() => {
          emitted = true;
        }),
        catchError((error: unknown) => {
          hooks.onAttemptFailed(index, error);
          if (!emitted && index + 1 < count && isRetryable(error)) return run(index + 1);
          return throwError(() => error);
        }),
      );
    });
  return run(0);
}
