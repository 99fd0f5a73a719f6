import { ErrorCode, GatewayException } from '@plexus/core';

const PROVIDER_SLUG = /^[a-z0-9][a-z0-9._-]{0,62}$/;

/** `/raw/{provider}/{rest}` → the provider slug and the untouched rest (with its query); dot segments are refused, encoded too. */
export function parseRawUrl(url: string): { provider: string; path: string } {
  const match = /^\/raw\/([^/?#]*)(\/[^?#]*)?(\?[^#]*)?$/.exec(url);
  const provider = match?.[1] ?? '';
  if (!match || !PROVIDER_SLUG.test(provider))
    throw new GatewayException(ErrorCode.PROVIDER_NOT_FOUND, {
      message: `Unknown raw provider in '${url.split('?')[0]}'`,
    });
  const path = match[2] ?? '/';
  const segments = path.split('/').map((segment) => {
    try {
      return decodeURIComponent(segment);
    } catch {
      return segment;
    }
  });
  if (
    segments.some((segment) => segment === '.' || segment === '..' || segment.includes('/') || segment.includes('\\'))
  ) {
    throw new GatewayException(ErrorCode.INVALID_REQUEST, { message: 'Dot segments are not allowed in raw paths' });
  }
  return { provider, path: `${path}${match[3] ?? ''}` };
}
