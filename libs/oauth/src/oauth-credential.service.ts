import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OAuthUsageTokens } from '@plexus/core';
import { OAuthCredentialRepository, type OAuthCredentialRecord } from '@plexus/persistence';
import { OAuthEndpointOverrides } from './endpoint-overrides';
import { OAUTH_FLOWS, type OAuthFlows, type OAuthTokens } from './oauth-flows';

/** Access tokens closer than this to their expiry are refreshed before use. */
export const REFRESH_AHEAD_MS = 5 * 60 * 1000;
const REFRESH_TIMEOUT_MS = 30_000;

/** The OAuth account a provider configured with `oauth://` sends its requests as. */
export interface OAuthAccountRef {
  oauthProvider: string;
  oauthAccount: string;
}

/** What a request to a subscription upstream authenticates with. */
export interface OAuthAccessGrant {
  accessToken: string;
  /** The account's own API host (GitHub Copilot), already redirected where overrides say. */
  baseUrl?: string;
  /** Non-secret identity fields of the credential (Codex's `accountId`). */
  accountId?: string;
}

/** The account can't be used until an admin logs in again (never logged in, or its refresh was refused). */
export class OAuthLoginRequired extends Error {
  constructor(
    readonly account: OAuthAccountRef,
    detail: string,
  ) {
    super(`OAuth account ${account.oauthProvider}/${account.oauthAccount} ${detail}`);
  }
}

function tokensOf(record: OAuthCredentialRecord): OAuthTokens {
  return {
    access: record.accessToken,
    refresh: record.refreshToken,
    expires: record.expiresAt?.getTime() ?? Number.MAX_SAFE_INTEGER,
    extra: record.extra,
  };
}

/**
 * Access tokens for the request lifecycle's credential step. Refreshes ahead of expiry and
 * on demand (an upstream 401); refreshes of one account are collapsed into one, within
 * this replica by a shared promise and across replicas by the credential row's lock. A
 * refused refresh marks the account `needs_login` and is not retried until a new login.
 */
@Injectable()
export class OAuthCredentialService implements OAuthUsageTokens {
  private readonly logger = new Logger('OAuthCredentials');
  private readonly refreshing = new Map<string, Promise<OAuthCredentialRecord>>();

  constructor(
    @Inject(OAUTH_FLOWS) private readonly flows: OAuthFlows,
    private readonly credentials: OAuthCredentialRepository,
    private readonly overrides: OAuthEndpointOverrides,
  ) {}

  /** A usable access token for the account, refreshed first when it is about to expire. */
  async accessTokenFor(account: OAuthAccountRef): Promise<OAuthAccessGrant> {
    let record = await this.credentials.find(account.oauthProvider, account.oauthAccount);
    if (!record) throw new OAuthLoginRequired(account, 'has no credential: log in first');
    if (record.status === 'needs_login') throw new OAuthLoginRequired(account, 'needs a new login');
    if (this.expiresSoon(record)) record = await this.refresh(account, null);
    return this.grant(account, record);
  }

  /**
   * The token the provider's usage API (quota checkers) takes: GitHub's own token for
   * Copilot (pi-ai keeps it as the refresh token), the access token elsewhere.
   */
  async usageTokenFor(account: OAuthAccountRef): Promise<string> {
    if (account.oauthProvider === 'github-copilot') {
      const record = await this.credentials.find(account.oauthProvider, account.oauthAccount);
      if (!record) throw new OAuthLoginRequired(account, 'has no credential: log in first');
      if (record.status === 'needs_login') throw new OAuthLoginRequired(account, 'needs a new login');
      return record.refreshToken;
    }
    return (await this.accessTokenFor(account)).accessToken;
  }

  /**
   * After the upstream refused `rejectedToken` (a 401): a fresh token, from a refresh
   * unless another request or replica already replaced that token.
   */
  async refreshAfterRejection(account: OAuthAccountRef, rejectedToken: string): Promise<OAuthAccessGrant> {
    return this.grant(account, await this.refresh(account, rejectedToken));
  }

  /** Refreshes the account's tokens if they still need it (see `refreshAfterRejection` for `rejectedToken`). */
  refresh(account: OAuthAccountRef, rejectedToken: string | null): Promise<OAuthCredentialRecord> {
    const key = `${account.oauthProvider}\u0000${account.oauthAccount}`;
    const running = this.refreshing.get(key);
    if (running) return running;
    const refresh = this.refreshLocked(account, rejectedToken).finally(() => this.refreshing.delete(key));
    this.refreshing.set(key, refresh);
    return refresh;
  }

  private async refreshLocked(account: OAuthAccountRef, rejectedToken: string | null): Promise<OAuthCredentialRecord> {
    const updated = await this.credentials.updateLocked(
      account.oauthProvider,
      account.oauthAccount,
      async (current) => {
        if (current.status === 'needs_login') return { kind: 'unchanged' };
        const stillNeeded = rejectedToken === null ? this.expiresSoon(current) : current.accessToken === rejectedToken;
        if (!stillNeeded) return { kind: 'unchanged' };
        try {
          const tokens = await this.flows.refresh(
            account.oauthProvider,
            tokensOf(current),
            AbortSignal.timeout(REFRESH_TIMEOUT_MS),
          );
          this.logger.log(`${account.oauthProvider}/${account.oauthAccount}: access token refreshed`);
          return {
            kind: 'refreshed',
            credential: {
              providerId: current.providerId,
              accountId: current.accountId,
              accessToken: tokens.access,
              refreshToken: tokens.refresh,
              extra: tokens.extra,
              expiresAt: new Date(tokens.expires),
            },
          };
        } catch (error) {
          const reason = refreshFailure(error);
          this.logger.warn(
            `${account.oauthProvider}/${account.oauthAccount}: refresh refused, needs a new login (${reason})`,
          );
          return { kind: 'failed', error: reason };
        }
      },
    );
    if (!updated) throw new OAuthLoginRequired(account, 'has no credential: log in first');
    if (updated.status === 'needs_login') throw new OAuthLoginRequired(account, 'needs a new login');
    return updated;
  }

  private async grant(account: OAuthAccountRef, record: OAuthCredentialRecord): Promise<OAuthAccessGrant> {
    const auth = await this.flows.requestAuth(account.oauthProvider, tokensOf(record));
    const accountId = record.extra['accountId'];
    return {
      accessToken: auth.accessToken,
      ...(auth.baseUrl && { baseUrl: this.overrides.rewrite(auth.baseUrl) }),
      ...(typeof accountId === 'string' && { accountId }),
    };
  }

  private expiresSoon(record: OAuthCredentialRecord): boolean {
    return record.expiresAt !== null && record.expiresAt.getTime() - Date.now() < REFRESH_AHEAD_MS;
  }
}

/** The refusal's first line, without anything that looks like a token. */
function refreshFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message
    .split('\n')[0]
    .replace(/body=.*$/, 'body=[omitted]')
    .slice(0, 300);
}
