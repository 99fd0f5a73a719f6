/**
 * How long a provider asked us to wait, from whatever it said it in: standard headers,
 * vendor rate-limit headers, or hints in the error body. Every parser answers whole
 * seconds from `now` (never negative), or undefined when it found nothing usable.
 */

type Headers = Record<string, string | string[] | undefined>;

const MS_PER_SECOND = 1000;
/** Plain numbers above these are epoch timestamps rather than delays. */
const EPOCH_MS_FLOOR = 1e12;
const EPOCH_SECONDS_FLOOR = 1e9;

function first(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  const trimmed = text?.trim();
  return trimmed ? trimmed : undefined;
}

function secondsFromMs(ms: number): number {
  return Math.max(0, Math.ceil(ms / MS_PER_SECOND));
}

/** An HTTP date or an ISO time (Date.parse alone would read "-5" as a year). */
function secondsUntilDate(text: string, now: number): number | undefined {
  if (!/[a-z]/i.test(text) && !/^\d{4}-\d{2}-\d{2}/.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : secondsFromMs(date - now);
}

/** `Retry-After`: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const header = first(value);
  if (header === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(header)) return Math.max(0, Math.ceil(Number(header)));
  return secondsUntilDate(header, now);
}

/** `retry-after-ms` (OpenAI, Azure): milliseconds. */
export function parseRetryAfterMs(value: string | string[] | undefined): number | undefined {
  const header = first(value);
  if (header === undefined || !/^\d+(\.\d+)?$/.test(header)) return undefined;
  return secondsFromMs(Number(header));
}

const DURATION_PART = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A Go-style duration (`1s`, `6m0s`, `2m59.56s`, `20ms`, `1h2m`) in ms, or undefined. */
export function parseDurationMs(text: string): number | undefined {
  if (!/^(\d+(\.\d+)?(ms|h|m|s))+$/.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(DURATION_PART)) total += Number(amount) * UNIT_MS[unit];
  return total;
}

/**
 * One rate-limit reset value: a duration (`6m0s`, OpenAI and Groq), an ISO time
 * (Anthropic), an epoch in seconds or ms (OpenRouter sends ms), or delta-seconds.
 */
export function parseResetValue(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = first(value);
  if (text === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) {
    const number = Number(text);
    if (number >= EPOCH_MS_FLOOR) return secondsFromMs(number - now);
    if (number >= EPOCH_SECONDS_FLOOR) return secondsFromMs(number * MS_PER_SECOND - now);
    return Math.max(0, Math.ceil(number));
  }
  const duration = parseDurationMs(text);
  if (duration !== undefined) return secondsFromMs(duration);
  return secondsUntilDate(text, now);
}

const RESET_HEADER = /^(?:x-ratelimit-reset(?:-(.+))?|anthropic-ratelimit-(.+)-reset)$/;

/**
 * The vendor rate-limit reset headers: `x-ratelimit-reset[-requests|-tokens|...]` and
 * `anthropic-ratelimit-*-reset`. When the matching `remaining` header says a limit is
 * used up, that limit's reset is the one that counts; otherwise the latest reset, so a
 * limited provider isn't asked again before everything it limits has reset.
 */
export function parseRateLimitReset(headers: Headers, now = Date.now()): number | undefined {
  const exhausted: number[] = [];
  const all: number[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const match = RESET_HEADER.exec(name.toLowerCase());
    if (!match) continue;
    const seconds = parseResetValue(value, now);
    if (seconds === undefined) continue;
    all.push(seconds);
    const limit = match[1] ?? match[2];
    const remaining =
      match[2] !== undefined
        ? headers[`anthropic-ratelimit-${limit}-remaining`]
        : headers[limit ? `x-ratelimit-remaining-${limit}` : 'x-ratelimit-remaining'];
    if (first(remaining) === '0') exhausted.push(seconds);
  }
  const chosen = exhausted.length > 0 ? exhausted : all;
  return chosen.length > 0 ? Math.max(...chosen) : undefined;
}

interface ErrorBody {
  error?: {
    message?: unknown;
    metadata?: { retry_after_seconds?: unknown; headers?: Record<string, unknown> };
    resets_in_seconds?: unknown;
    resets_at?: unknown;
    details?: unknown;
  };
}

/** `in ~N min`, `in 20s`, `in 1m30s`, `after 30 seconds` in a human message. */
const MESSAGE_DELAY =
  /(?:try again|retry)\s+(?:in|after)\s+(?:about\s+|approximately\s+|~\s*)?(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?)\b|(?:try again|retry)\s+(?:in|after)\s+(\d+(?:\.\d+)?(?:ms|h|m|s)(?:\d+(?:\.\d+)?(?:ms|h|m|s))*)/i;

function unitMs(unit: string): number {
  const lower = unit.toLowerCase();
  if (lower.startsWith('ms') || lower.startsWith('milli')) return 1;
  if (lower.startsWith('h')) return 3_600_000;
  if (lower.startsWith('m')) return 60_000;
  return 1000;
}

/** A delay in an error message: Codex "try again in ~N min", OpenAI "Please try again in 20s", OpenRouter "retry after N s|m". */
export function parseMessageDelay(message: string): number | undefined {
  const match = MESSAGE_DELAY.exec(message);
  if (!match) return undefined;
  if (match[1] !== undefined) return secondsFromMs(Number(match[1]) * unitMs(match[2]));
  const duration = parseDurationMs(match[3]);
  return duration === undefined ? undefined : secondsFromMs(duration);
}

function finiteNumber(value: unknown): number | undefined {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) ? number : undefined;
}

/** Gemini's `google.rpc.RetryInfo` detail: `{ retryDelay: "34s" }`. */
function geminiRetryDelay(details: unknown): number | undefined {
  if (!Array.isArray(details)) return undefined;
  for (const detail of details as Array<{ '@type'?: unknown; retryDelay?: unknown }>) {
    if (typeof detail?.['@type'] !== 'string' || !detail['@type'].endsWith('google.rpc.RetryInfo')) continue;
    const duration = typeof detail.retryDelay === 'string' ? parseDurationMs(detail.retryDelay) : undefined;
    if (duration !== undefined) return secondsFromMs(duration);
  }
  return undefined;
}

/**
 * Hints in an error body: OpenRouter's `error.metadata.retry_after_seconds` (and the
 * upstream headers it forwards in `error.metadata.headers`), Codex's
 * `error.resets_in_seconds` / `error.resets_at`, Gemini's RetryInfo `retryDelay`, and
 * a delay spelled out in the message.
 */
export function parseBodyRetryHint(bodyText: string, now = Date.now()): number | undefined {
  let body: ErrorBody | ErrorBody[];
  try {
    body = JSON.parse(bodyText) as ErrorBody | ErrorBody[];
  } catch {
    return parseMessageDelay(bodyText);
  }
  // Gemini's REST errors sometimes come as a one-element array.
  const error = (Array.isArray(body) ? body[0] : body)?.error;
  if (typeof error !== 'object' || error === null) return undefined;
  const openRouter = finiteNumber(error.metadata?.retry_after_seconds);
  if (openRouter !== undefined && openRouter >= 0) return Math.ceil(openRouter);
  const forwarded = error.metadata?.headers;
  if (forwarded && typeof forwarded === 'object') {
    const headers = Object.fromEntries(
      Object.entries(forwarded).map(([name, value]) => [
        name.toLowerCase(),
        typeof value === 'number' ? String(value) : (value as string | undefined),
      ]),
    );
    const fromHeaders = parseRetryAfter(headers['retry-after'], now) ?? parseRateLimitReset(headers, now);
    if (fromHeaders !== undefined) return fromHeaders;
  }
  const resetsIn = finiteNumber(error.resets_in_seconds);
  if (resetsIn !== undefined && resetsIn >= 0) return Math.ceil(resetsIn);
  const resetsAt = finiteNumber(error.resets_at);
  if (resetsAt !== undefined)
    return secondsFromMs((resetsAt >= EPOCH_MS_FLOOR ? resetsAt : resetsAt * MS_PER_SECOND) - now);
  const gemini = geminiRetryDelay(error.details);
  if (gemini !== undefined) return gemini;
  return typeof error.message === 'string' ? parseMessageDelay(error.message) : undefined;
}

/**
 * The wait a failed upstream response asks for, most explicit first: `retry-after-ms`,
 * `Retry-After`, hints in the body, then (for a 429 only: providers send them on every
 * answer, and a 500 is no rate limit) the rate-limit reset headers.
 */
export function retryAfterSeconds(
  status: number,
  headers: Headers,
  bodyText: string,
  now = Date.now(),
): number | undefined {
  return (
    parseRetryAfterMs(headers['retry-after-ms']) ??
    parseRetryAfter(headers['retry-after'], now) ??
    parseBodyRetryHint(bodyText, now) ??
    (status === 429 ? parseRateLimitReset(headers, now) : undefined)
  );
}
