/**
 * Our own view of the subscription providers' OAuth flows, so the library behind them
 * (pi-ai today) can be replaced without touching sessions, storage or routing.
 */

/** A question a flow asks while it runs. `select` prompts are answered by the session itself. */
export type OAuthPromptRequest =
  | { type: 'text' | 'secret'; message: string; placeholder?: string; signal?: AbortSignal }
  | { type: 'manual_code'; message: string; placeholder?: string; signal?: AbortSignal }
  | {
      type: 'select';
      message: string;
      options: readonly { id: string; label: string }[];
      signal?: AbortSignal;
    };

/** What a flow tells the user: where to sign in, a device code, or progress. */
export type OAuthFlowEvent =
  | { type: 'auth_url'; url: string; instructions?: string }
  | { type: 'device_code'; userCode: string; verificationUri: string; expiresInSeconds?: number }
  | { type: 'progress' | 'info'; message: string };

export interface OAuthInteraction {
  signal: AbortSignal;
  prompt(prompt: OAuthPromptRequest): Promise<string>;
  notify(event: OAuthFlowEvent): void;
}

/** Tokens of one account; `expires` in epoch milliseconds; `extra` holds the provider's other fields. */
export interface OAuthTokens {
  access: string;
  refresh: string;
  expires: number;
  extra: Record<string, unknown>;
}

export interface OAuthProviderInfo {
  id: string;
  name: string;
  /** The flow waits for the provider's redirect on a local callback port (the pasted redirect URL also works). */
  usesCallbackServer: boolean;
}

export interface OAuthCatalogModel {
  id: string;
  name: string;
  /** The wire API the provider serves it through (`anthropic-messages`, `openai-responses`...). */
  api: string;
  baseUrl: string;
  contextWindow: number;
  /** Dollars per million tokens. */
  cost: { input: number; output: number };
  headers: Record<string, string>;
}

/** How a request authenticates with an account's access token. */
export interface OAuthRequestAuth {
  accessToken: string;
  /** The account's own API host when it has one (GitHub Copilot). */
  baseUrl?: string;
}

export interface OAuthFlows {
  providers(): Promise<OAuthProviderInfo[]>;
  login(providerId: string, interaction: OAuthInteraction): Promise<OAuthTokens>;
  refresh(providerId: string, tokens: OAuthTokens, signal: AbortSignal): Promise<OAuthTokens>;
  requestAuth(providerId: string, tokens: OAuthTokens): Promise<OAuthRequestAuth>;
  /** The library's whole provider catalog (API-key providers too), for `/pi/providers`. */
  catalogProviders(): Promise<string[]>;
  catalogModels(providerId: string): Promise<OAuthCatalogModel[]>;
}

/** DI token of the OAuthFlows implementation. */
export const OAUTH_FLOWS = Symbol('OAUTH_FLOWS');
