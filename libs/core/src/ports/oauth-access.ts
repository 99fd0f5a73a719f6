/** An OAuth account of a subscription provider (`oauth_provider`, `oauth_account` of an `oauth://` provider). */
export interface OAuthAccountKey {
  oauthProvider: string;
  oauthAccount: string;
}

/**
 * The stored OAuth credentials as other libs may use them without depending on the OAuth
 * lib: the token a provider's usage API takes (Claude's and Codex's access token, the
 * GitHub token for Copilot), refreshed when due. Provided by the OAuth module.
 */
export interface OAuthUsageTokens {
  usageTokenFor(account: OAuthAccountKey): Promise<string>;
}

export const OAUTH_USAGE_TOKENS = Symbol('OAUTH_USAGE_TOKENS');
