import { Injectable, Logger } from '@nestjs/common';
import { Environment } from '@plexus/config';
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';

export interface OidcIdentity {
  /** The user's email when the token has one, else preferred_username, else sub. */
  user: string;
}

/** What the console needs to start an authorization-code + PKCE login in the browser. */
export interface OidcLoginConfig {
  issuer: string;
  clientId: string;
  scopes: string;
}

const SCOPES = 'openid email profile';

/**
 * Console login by OpenID Connect: the console signs the user in at the identity provider
 * (authorization code with PKCE) and sends the ID token as `Authorization: Bearer`. A
 * token signed by OIDC_ISSUER's keys (JWKS from its discovery document), for
 * OIDC_CLIENT_ID, unexpired, is an admin when its user is allowed (OIDC_ALLOWED_USERS:
 * emails or `@domain` suffixes; unset allows everyone the provider lets sign in to the client).
 */
@Injectable()
export class OidcVerifier {
  private readonly logger = new Logger(OidcVerifier.name);
  private readonly issuer: string | undefined;
  private readonly clientId: string | undefined;
  private readonly allowed: string[];
  private keys: Promise<JWTVerifyGetKey> | null = null;

  constructor(env: Environment) {
    this.issuer = env.OIDC_ISSUER?.replace(/\/+$/, '');
    this.clientId = env.OIDC_CLIENT_ID;
    this.allowed = (env.OIDC_ALLOWED_USERS ?? '')
      .split(',')
      .map((entry) => entry.trim().toLowerCase())
      .filter((entry) => entry !== '');
  }

  get enabled(): boolean {
    return this.issuer !== undefined && this.clientId !== undefined;
  }

  get loginConfig(): OidcLoginConfig | null {
    return this.issuer !== undefined && this.clientId !== undefined
      ? { issuer: this.issuer, clientId: this.clientId, scopes: SCOPES }
      : null;
  }

  /** The admin a token names, or null when it is not a valid ID token of an allowed user. */
  async verify(token: string): Promise<OidcIdentity | null> {
    if (!this.issuer || !this.clientId) return null;
    try {
      const { payload } = await jwtVerify(token, await this.jwks(), {
        issuer: [this.issuer, `${this.issuer}/`],
        audience: this.clientId,
        requiredClaims: ['exp', 'sub'],
        clockTolerance: 30,
      });
      const email = typeof payload['email'] === 'string' ? payload['email'] : undefined;
      const preferred = typeof payload['preferred_username'] === 'string' ? payload['preferred_username'] : undefined;
      const user = email ?? preferred ?? payload.sub;
      return user && this.isAllowed(user) ? { user } : null;
    } catch (error) {
      this.logger.debug(`OIDC token refused: ${(error as Error).message}`);
      return null;
    }
  }

  private isAllowed(user: string): boolean {
    if (this.allowed.length === 0) return true;
    const name = user.toLowerCase();
    return this.allowed.some((entry) => (entry.startsWith('@') ? name.endsWith(entry) : name === entry));
  }

  /** The issuer's key set, found through its discovery document once (and again after a failure). */
  private jwks(): Promise<JWTVerifyGetKey> {
    this.keys ??= this.discover().catch((error: unknown) => {
      this.keys = null;
      throw error;
    });
    return this.keys;
  }

  private async discover(): Promise<JWTVerifyGetKey> {
    const response = await fetch(`${this.issuer}/.well-known/openid-configuration`, {
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new Error(`OIDC discovery answered ${response.status}`);
    const document = (await response.json()) as { jwks_uri?: unknown };
    if (typeof document.jwks_uri !== 'string') throw new Error('OIDC discovery document has no jwks_uri');
    return createRemoteJWKSet(new URL(document.jwks_uri));
  }
}
