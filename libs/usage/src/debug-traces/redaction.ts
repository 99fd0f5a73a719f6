/** What stands in for a secret in a stored trace. */
export const REDACTED = '[REDACTED]';

/** Headers that carry credentials, by lower-case name. */
const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'x-api-key',
  'api-key',
  'x-goog-api-key',
  'x-admin-key',
  'cookie',
  'set-cookie',
]);

/**
 * Other header names that say they carry a credential (e.g. a provider's custom auth
 * header); rate-limit headers (`x-ratelimit-remaining-tokens`) are kept, they help debugging.
 */
const SECRET_HEADER_NAME = /(key|token|secret|auth|signature|password|session|cookie)/i;
const RATE_LIMIT_HEADER = /rate-?limit/i;

/** Body fields and query parameters whose values are credentials. */
const SECRET_NAME =
  /^(api[-_]?key|key|apikey|x-api-key|authorization|access[-_]?token|refresh[-_]?token|id[-_]?token|client[-_]?secret|secret|password|token|provisioning[-_]?key|sig|signature)$/i;

/** Shorter values are not treated as secrets when masking known secrets inside text. */
const MIN_SECRET_LENGTH = 8;

export function redactHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const secret =
      SECRET_HEADERS.has(name.toLowerCase()) || (SECRET_HEADER_NAME.test(name) && !RATE_LIMIT_HEADER.test(name));
    result[name] = secret ? REDACTED : Array.isArray(value) ? value.join(', ') : value;
  }
  return result;
}

/** Masks credential-looking query parameters (e.g. Gemini's `?key=`). */
export function redactUrl(url: string): string {
  const query = url.indexOf('?');
  if (query < 0) return url;
  const params = new URLSearchParams(url.slice(query + 1));
  for (const name of [...params.keys()]) if (SECRET_NAME.test(name)) params.set(name, REDACTED);
  return `${url.slice(0, query)}?${params.toString()}`;
}

/** A copy of a JSON value with credential-named fields masked, at any depth. */
export function redactBody(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactBody);
  if (typeof value !== 'object' || value === null) return value;
  const result: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(value)) {
    result[name] =
      SECRET_NAME.test(name) && (typeof field === 'string' || typeof field === 'number') ? REDACTED : redactBody(field);
  }
  return result;
}

/**
 * The last line of defence: every occurrence of a known secret (the provider's key, the
 * client's key) in the serialized trace is masked, wherever it ended up.
 */
export function maskSecrets(text: string, secrets: Iterable<string | null | undefined>): string {
  let masked = text;
  for (const secret of secrets) {
    if (!secret || secret.length < MIN_SECRET_LENGTH) continue;
    masked = masked.split(secret).join(REDACTED);
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (escaped !== secret) masked = masked.split(escaped).join(REDACTED);
  }
  return masked;
}

/** The client's presented secret, from whichever header or query parameter carried it. */
export function presentedSecrets(
  headers: Record<string, string | string[] | undefined>,
  url: string | undefined,
): string[] {
  const found: string[] = [];
  for (const name of ['authorization', 'x-api-key', 'x-goog-api-key', 'api-key', 'x-admin-key']) {
    const raw = headers[name];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (!value) continue;
    const secret = value.replace(/^Bearer\s+/i, '').trim();
    found.push(secret);
    // A key may carry an attribution suffix (`sk-...:label`); the bare secret is masked too.
    const colon = secret.lastIndexOf(':');
    if (colon > 0) found.push(secret.slice(0, colon));
  }
  const query = url?.indexOf('?') ?? -1;
  if (url && query >= 0) {
    const key = new URLSearchParams(url.slice(query + 1)).get('key');
    if (key) found.push(key);
  }
  return found;
}
