import { isApiFormat, type ApiFormat } from '@plexus/core';
import type { ProviderRecord } from '@plexus/persistence';
import { chooseApiType } from './api-type';

/** The OAuth account an `oauth://` provider sends its requests as. */
export interface OAuthTargetAccount {
  provider: string;
  account: string;
}

/** The account of a provider configured with `api_base_url: oauth://`; null for any other provider. */
export function oauthAccountOf(provider: ProviderRecord): OAuthTargetAccount | null {
  if (typeof provider.apiBaseUrl !== 'string' || !provider.apiBaseUrl.startsWith('oauth://')) return null;
  const oauthProvider = provider.settings['oauth_provider'];
  const account = provider.settings['oauth_account'];
  return {
    provider: typeof oauthProvider === 'string' ? oauthProvider : '',
    account: typeof account === 'string' ? account : '',
  };
}

/**
 * The wire API a subscription serves a model through: the model's `access_via` when set,
 * else Claude's Messages, Codex's Responses, and for Copilot the model family's own
 * (Claude models on Messages, GPT/Grok/MAI ones on Responses, others on Chat Completions,
 * as GitHub's Copilot API serves them).
 */
export function oauthApiType(
  account: OAuthTargetAccount,
  model: string,
  modelConfig: Record<string, unknown>,
  incoming: ApiFormat,
): ApiFormat {
  const accessVia = modelConfig['access_via'];
  if (Array.isArray(accessVia)) {
    const types = accessVia.filter((type): type is ApiFormat => typeof type === 'string' && isApiFormat(type));
    if (types.length > 0) return chooseApiType(types, incoming);
  }
  switch (account.provider) {
    case 'anthropic':
      return 'messages';
    case 'openai-codex':
      return 'responses';
    case 'github-copilot':
      if (/^claude-/i.test(model)) return 'messages';
      if (/^(gpt-|grok-|mai-|o\d)/i.test(model)) return 'responses';
      return 'chat';
    default:
      return 'chat';
  }
}
