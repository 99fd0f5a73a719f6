import { isApiFormat, type ApiFormat, type MediaApiType } from '@plexus/core';
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

/**
 * Where a provider serves one of the media endpoints: its URL map's own key for it, else
 * its OpenAI-compatible (`chat`) URL, else `default`, else its first URL. The reference
 * falls back the same way (`embeddings|transcriptions|speech|images -> chat`).
 */
export function mediaBaseUrlFor(provider: ProviderRecord, apiType: MediaApiType): string {
  const url = provider.apiBaseUrl;
  if (typeof url === 'string') return url;
  return url[apiType] ?? url['chat'] ?? url['default'] ?? Object.values(url)[0] ?? '';
}

/**
 * The upstream API a media request is sent through: the media endpoint itself
 * (OpenAI-compatible), except embeddings on a provider that speaks only Gemini, which
 * go through Gemini's own embeddings API.
 */
export function mediaApiTypeFor(provider: ProviderRecord, apiType: MediaApiType): MediaApiType | 'gemini' {
  if (apiType !== 'embeddings') return apiType;
  const url = provider.apiBaseUrl;
  if (typeof url !== 'string' && (url['embeddings'] !== undefined || url['default'] !== undefined)) return apiType;
  const types = providerApiTypes(provider);
  return types.includes('gemini') && !types.includes('chat') ? 'gemini' : apiType;
}

/** The alias `type` whose aliases a media endpoint may use. */
export const ALIAS_TYPE_OF: Readonly<Record<MediaApiType, string>> = {
  embeddings: 'embeddings',
  transcriptions: 'transcriptions',
  speech: 'speech',
  images: 'image',
};
