import { Injectable } from '@nestjs/common';
import type {
  OAuthCatalogModel,
  OAuthFlows,
  OAuthInteraction,
  OAuthProviderInfo,
  OAuthRequestAuth,
  OAuthTokens,
} from './oauth-flows';

/** The part of pi-ai's provider shape we use (it is ESM, loaded on first use). */
interface PiCredential {
  type: 'oauth';
  access: string;
  refresh: string;
  expires: number;
  [field: string]: unknown;
}

interface PiOAuth {
  name: string;
  login(interaction: OAuthInteraction): Promise<PiCredential>;
  refresh(credential: PiCredential, signal: AbortSignal): Promise<PiCredential>;
  toAuth(credential: PiCredential): Promise<{ apiKey?: string; baseUrl?: string }>;
}

interface PiModel {
  id: string;
  name: string;
  api: string;
  baseUrl: string;
  contextWindow?: number;
  cost?: { input?: number; output?: number };
  headers?: Record<string, string>;
}

interface PiProvider {
  id: string;
  name: string;
  auth: { oauth?: PiOAuth };
  getModels(): readonly PiModel[];
}

/** Flows that wait for the provider's redirect on a local port (the pasted redirect URL works too). */
const CALLBACK_FLOWS = new Set(['openai-codex']);

/**
 * pi-ai (`@earendil-works/pi-ai`, the maintained successor of `@mariozechner/pi-ai`)
 * behind our OAuthFlows. Its flows call the providers' own endpoints through the global
 * `fetch`; OAuthEndpointOverrides redirects them for tests.
 */
@Injectable()
export class PiAiOAuthFlows implements OAuthFlows {
  private loaded: Promise<ReadonlyMap<string, PiProvider>> | null = null;

  async providers(): Promise<OAuthProviderInfo[]> {
    const providers = await this.load();
    return [...providers.values()]
      .filter((provider) => provider.auth.oauth !== undefined)
      .map((provider) => ({
        id: provider.id,
        name: provider.auth.oauth?.name ?? provider.name,
        usesCallbackServer: CALLBACK_FLOWS.has(provider.id),
      }));
  }

  async login(providerId: string, interaction: OAuthInteraction): Promise<OAuthTokens> {
    return toTokens(await (await this.oauth(providerId)).login(interaction));
  }

  async refresh(providerId: string, tokens: OAuthTokens, signal: AbortSignal): Promise<OAuthTokens> {
    return toTokens(await (await this.oauth(providerId)).refresh(toCredential(tokens), signal));
  }

  async requestAuth(providerId: string, tokens: OAuthTokens): Promise<OAuthRequestAuth> {
    const auth = await (await this.oauth(providerId)).toAuth(toCredential(tokens));
    // Without an account-specific host, the provider's catalog names its API host.
    const baseUrl = auth.baseUrl ?? (await this.load()).get(providerId)?.getModels()[0]?.baseUrl;
    return { accessToken: auth.apiKey ?? tokens.access, ...(baseUrl && { baseUrl }) };
  }

  async catalogProviders(): Promise<string[]> {
    return [...(await this.load()).keys()].sort();
  }

  async catalogModels(providerId: string): Promise<OAuthCatalogModel[]> {
    const provider = (await this.load()).get(providerId);
    if (!provider) return [];
    return provider.getModels().map((model) => ({
      id: model.id,
      name: model.name,
      api: model.api,
      baseUrl: model.baseUrl,
      contextWindow: model.contextWindow ?? 0,
      cost: { input: model.cost?.input ?? 0, output: model.cost?.output ?? 0 },
      headers: model.headers ?? {},
    }));
  }

  private async oauth(providerId: string): Promise<PiOAuth> {
    const oauth = (await this.load()).get(providerId)?.auth.oauth;
    if (!oauth) throw new Error(`'${providerId}' is not an OAuth provider`);
    return oauth;
  }

  private load(): Promise<ReadonlyMap<string, PiProvider>> {
    this.loaded ??= import('@earendil-works/pi-ai/providers/all').then((module) => {
      const providers = (module.builtinProviders as () => unknown[])() as PiProvider[];
      return new Map(providers.map((provider) => [provider.id, provider]));
    });
    return this.loaded;
  }
}

function toTokens(credential: PiCredential): OAuthTokens {
  const { access, refresh, expires, ...rest } = credential;
  const extra: Record<string, unknown> = { ...rest };
  delete extra['type'];
  return { access, refresh, expires, extra };
}

function toCredential(tokens: OAuthTokens): PiCredential {
  return { ...tokens.extra, type: 'oauth', access: tokens.access, refresh: tokens.refresh, expires: tokens.expires };
}
