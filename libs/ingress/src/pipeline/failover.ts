import { ErrorCode, GatewayException } from '@plexus/core';
import { EmptyCompletionError, UpstreamStallError } from '@plexus/providers';
import { DEFAULT_ROUTING_SETTINGS, type FailureReport, type FailoverSettings } from '@plexus/routing';
import { Observable, type Subscription } from 'rxjs';

/** The request itself is at fault (too large, unprocessable): another target won't do better. */
const NEVER_RETRY_STATUSES = new Set([413, 422]);

/** A 400 from a content filter: the next target would refuse the same content. */
const CONTENT_FILTER =
  /content[_ -]?filter|content[_ ]policy|content management policy|responsibleaipolicyviolation|safety system/i;

/**
 * A 400 because the prompt exceeds the target's context window. A later target may have a
 * larger window, so it fails over (to larger windows only: see ContextWindowGuard).
 */
const CONTEXT_LENGTH = /context_length_exceeded|maximum context length|prompt is too long/i;

/** Whether an upstream refused the prompt as longer than its context window. */
export function isContextLengthError(error: unknown): boolean {
  return (
    error instanceof GatewayException && error.code === ErrorCode.UPSTREAM_ERROR && CONTEXT_LENGTH.test(error.message)
  );
}

/** Whether the upstream status allows trying the next target under the failover policy. */
function isRetryableStatus(status: number, message: string, policy: FailoverSettings): boolean {
  if (NEVER_RETRY_STATUSES.has(status)) return false;
  if (status === 400) {
    if (CONTENT_FILTER.test(message)) return false;
    if (CONTEXT_LENGTH.test(message)) return true;
  }
  return status === 402 || policy.retryableStatusCodes.includes(status);
}

/** The codes and messages of a transport failure and its causes. */
function transportDescriptions(error: GatewayException): string[] {
  const texts = [error.message];
  let cause: unknown = error.cause;
  for (let depth = 0; depth < 3 && typeof cause === 'object' && cause !== null; depth++) {
    const { code, message } = cause as { code?: unknown; message?: unknown };
    if (typeof code === 'string') texts.push(code);
    if (typeof message === 'string') texts.push(message);
    cause = (cause as { cause?: unknown }).cause;
  }
  return texts;
}

/** `retryableErrors` entries are case-insensitive regular expressions, or substrings when they don't parse. */
function matchesAny(texts: string[], patterns: readonly string[]): boolean {
  return patterns.some((pattern) => {
    let regex: RegExp | null = null;
    try {
      regex = new RegExp(pattern, 'i');
    } catch {
      // not a regular expression: a plain substring
    }
    const needle = pattern.toLowerCase();
    return texts.some((text) => (regex ? regex.test(text) : text.toLowerCase().includes(needle)));
  });
}

/**
 * Whether the next target may be tried after this error, under the failover policy
 * (`RoutingSettings.current.failover`): never when failover is off; upstream HTTP errors
 * whose status is 402 or in `retryableStatusCodes` (never 413, 422 or a content-filter
 * 400; always a context-length 400); transport failures whose code or message matches
 * `retryableErrors`; upstream timeouts and invalid responses. Gateway errors never.
 */
export function isRetryable(error: unknown, policy: FailoverSettings = DEFAULT_ROUTING_SETTINGS.failover): boolean {
  if (!(error instanceof GatewayException) || !policy.enabled) return false;
  switch (error.code) {
    case ErrorCode.UPSTREAM_TIMEOUT:
    case ErrorCode.UPSTREAM_INVALID_RESPONSE:
      return true;
    case ErrorCode.CONTEXT_LENGTH_EXCEEDED:
      // The gateway's own context check passed over a target too small for the prompt: a larger one may fit.
      return true;
    case ErrorCode.UPSTREAM_UNREACHABLE:
      return matchesAny(transportDescriptions(error), policy.retryableErrors);
    case ErrorCode.UPSTREAM_ERROR:
      return isRetryableStatus(error.body.upstream?.status ?? error.status, error.message, policy);
    case ErrorCode.INVALID_REQUEST:
    case ErrorCode.MALFORMED_JSON:
    case ErrorCode.PAYLOAD_TOO_LARGE:
    case ErrorCode.UNSUPPORTED_MEDIA_TYPE:
    case ErrorCode.REQUEST_TIMEOUT:
    case ErrorCode.URL_TOO_LONG:
    case ErrorCode.HEADERS_TOO_LARGE:
    case ErrorCode.MISSING_API_KEY:
    case ErrorCode.INVALID_API_KEY:
    case ErrorCode.FORBIDDEN:
    case ErrorCode.MODEL_NOT_FOUND:
    case ErrorCode.PROVIDER_NOT_FOUND:
    case ErrorCode.NOT_FOUND:
    case ErrorCode.RESPONSE_NOT_FOUND:
    case ErrorCode.CONVERSATION_NOT_FOUND:
    case ErrorCode.NO_HEALTHY_TARGET:
    case ErrorCode.UNSUPPORTED_API_FORMAT:
    case ErrorCode.QUOTA_EXCEEDED:
    case ErrorCode.CONCURRENCY_LIMIT:
    case ErrorCode.STREAM_LIMIT:
    case ErrorCode.RATE_LIMITED:
    case ErrorCode.UPSTREAM_RESPONSE_TOO_LARGE:
    case ErrorCode.INTERNAL:
      return false;
  }
}

const TRANSPORT_FAILURES: ReadonlySet<ErrorCode> = new Set([
  ErrorCode.UPSTREAM_UNREACHABLE,
  ErrorCode.UPSTREAM_TIMEOUT,
  ErrorCode.UPSTREAM_INVALID_RESPONSE,
]);

/**
 * What a failed attempt tells the cooldowns: upstream HTTP errors with their status and
 * Retry-After, transport failures, timeouts, stalls and invalid responses without a
 * status. Null for empty completions and the gateway's own errors, which say nothing
 * about the target's health.
 */
export function cooldownFailure(
  target: { provider: string; model: string },
  error: unknown,
  afterFirstByte: boolean,
): FailureReport | null {
  if (!(error instanceof GatewayException) || error instanceof EmptyCompletionError) return null;
  const base = {
    provider: target.provider,
    model: target.model,
    reason: error.message,
    afterFirstByte,
    ...(error instanceof UpstreamStallError && { stall: true }),
  };
  if (error.code === ErrorCode.UPSTREAM_ERROR) {
    return {
      ...base,
      status: error.body.upstream?.status ?? error.status,
      ...(error.retryAfterSeconds !== undefined && { retryAfterSeconds: error.retryAfterSeconds }),
    };
  }
  return TRANSPORT_FAILURES.has(error.code) ? { ...base, status: null } : null;
}

/** How many of `count` targets a request may try: one without failover, else at most `maxAttempts`. */
export function attemptLimit(count: number, policy: FailoverSettings = DEFAULT_ROUTING_SETTINGS.failover): number {
  return policy.enabled ? Math.min(count, Math.max(1, policy.maxAttempts)) : Math.min(count, 1);
}

export interface FailoverHooks {
  onAttemptStart(index: number): void;
  /** `afterFirstByte`: the attempt had already emitted, so the request is committed to it. */
  onAttemptFailed(index: number, error: unknown, afterFirstByte: boolean): void;
  /** True to pass over a target on failover (it records why); the first target is always tried. */
  skip?(index: number): boolean;
}

/**
 * Tries `attempt(0)`, then the next ones while an attempt fails retryably before it has
 * emitted anything: once a chunk is out, the stream is committed to its target. With a
 * policy, at most `maxAttempts` of the `count` targets are tried, and only the first
 * when failover is disabled. One operator for the whole sequence (no defer/tap/catchError
 * chain per attempt): each attempt is subscribed to directly, and unsubscribing tears the
 * running one down.
 */
export function withFailover<T>(
  count: number,
  attempt: (index: number) => Observable<T>,
  hooks: FailoverHooks,
  policy: FailoverSettings = DEFAULT_ROUTING_SETTINGS.failover,
): Observable<T> {
  const limit = attemptLimit(count, policy);
  return new Observable<T>((subscriber) => {
    let running: Subscription | null = null;
    let current = -1;
    const failed = (index: number, error: unknown, emitted: boolean): void => {
      hooks.onAttemptFailed(index, error, emitted);
      if (!emitted && isRetryable(error, policy)) {
        let next = index + 1;
        while (next < limit && hooks.skip?.(next)) next++;
        if (next < limit) {
          run(next);
          return;
        }
      }
      subscriber.error(error);
    };
    const run = (index: number): void => {
      current = index;
      let emitted = false;
      hooks.onAttemptStart(index);
      let source: Observable<T>;
      try {
        source = attempt(index);
      } catch (error) {
        failed(index, error, false);
        return;
      }
      const subscription = source.subscribe({
        next: (value) => {
          emitted = true;
          subscriber.next(value);
        },
        error: (error: unknown) => failed(index, error, emitted),
        complete: () => subscriber.complete(),
      });
      // An attempt that failed while being subscribed has already started the next one.
      if (current === index) running = subscription;
    };
    run(0);
    return () => running?.unsubscribe();
  });
}
