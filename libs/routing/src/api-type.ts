import { isApiFormat, type ApiFormat } from '@plexus/core';
import type { ProviderRecord } from '@plexus/persistence';

/** The API types a provider speaks: the keys of its URL map, or inferred from its one URL. */
export function providerApiTypes(provider: ProviderRecord): ApiFormat[] {
  const url = provider.apiBaseUrl;
  if (typeof url !== 'string') {
    const types = Object.keys(url).filter(isApiFormat);
    return types.length > 0 ? types : ['chat'];
  }
  if (url.includes('anthropic.com')) return ['messages'];
  if (url.includes('generativelanguage.googleapis.com')) return ['gemini'];
  return ['chat'];
}

/** The client's own format when the provider speaks it, else the provider's first type. */
export function chooseApiType(available: readonly ApiFormat[], incoming: ApiFormat): ApiFormat {
  return available.includes(incoming) ? incoming : (available[0] ?? 'chat');
}

export function baseUrlFor(provider: ProviderRecord, apiType: ApiFormat): string {
  const url = provider.apiBaseUrl;
  if (typeof url === 'string') return url;
  return url[apiType] ?? url['default'] ?? Object.values(url)[0] ?? '';
}
