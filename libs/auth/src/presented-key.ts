export interface PresentedKey {
  secret: string;
  /** The lower-cased `:label` suffix of `secret:label`, for usage attribution. */
  attribution: string | null;
}

type HeaderValue = string | string[] | undefined;

function first(value: HeaderValue): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The API key a client presented, in the reference gateway's order: `Authorization`
 * (with or without `Bearer `), `x-api-key`, `x-goog-api-key`, then `?key=`.
 */
export function extractPresentedKey(
  headers: Record<string, HeaderValue>,
  query?: Record<string, unknown>,
): PresentedKey | null {
  const authorization = first(headers['authorization'])?.trim();
  const raw =
    (authorization ? authorization.replace(/^Bearer(\s+|$)/i, '') : undefined) ||
    first(headers['x-api-key'])?.trim() ||
    first(headers['x-goog-api-key'])?.trim() ||
    (typeof query?.['key'] === 'string' ? query['key'].trim() : undefined);
  if (!raw) return null;
  const colon = raw.indexOf(':');
  if (colon < 0) return { secret: raw, attribution: null };
  const label = raw
    .slice(colon + 1)
    .trim()
    .toLowerCase();
  return { secret: raw.slice(0, colon), attribution: label || null };
}
