import * as oauth from 'oauth4webapi';

/** What the console keeps across the redirect to the identity provider (this tab only). */
export const OIDC_PENDING_STORAGE = 'plexus.oidcPending';

export interface OidcSettings {
  readonly issuer: string;
  readonly clientId: string;
  readonly scopes: string;
}

interface PendingLogin {
  readonly verifier: string;
  readonly state: string;
  readonly nonce: string;
  readonly returnUrl: string;
}

export interface OidcResult {
  /** Sent as `Authorization: Bearer` on management calls; the gateway checks it against the issuer's keys. */
  readonly idToken: string;
  readonly user?: string;
  readonly returnUrl: string;
}

/** The console's own login page receives the code. */
export function oidcRedirectUri(origin: string): string {
  return `${origin}/login`;
}

/** Plain-http issuers are accepted on loopback only (a local identity provider). */
function requestOptions(issuer: URL): { [oauth.allowInsecureRequests]?: boolean } {
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(issuer.hostname);
  return issuer.protocol === 'http:' && loopback ? { [oauth.allowInsecureRequests]: true } : {};
}

async function discover(settings: OidcSettings): Promise<oauth.AuthorizationServer> {
  const issuer = new URL(settings.issuer);
  return oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, requestOptions(issuer)));
}

/** The identity provider's authorization URL (code flow with PKCE, state and nonce), remembering what the callback needs. */
export async function startOidcLogin(
  settings: OidcSettings,
  origin: string,
  returnUrl: string,
  storage: Storage,
): Promise<string> {
  const as = await discover(settings);
  if (!as.authorization_endpoint) throw new Error('The identity provider has no authorization endpoint');
  const pending: PendingLogin = {
    verifier: oauth.generateRandomCodeVerifier(),
    state: oauth.generateRandomState(),
    nonce: oauth.generateRandomNonce(),
    returnUrl,
  };
  storage.setItem(OIDC_PENDING_STORAGE, JSON.stringify(pending));
  const url = new URL(as.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: settings.clientId,
    redirect_uri: oidcRedirectUri(origin),
    scope: settings.scopes,
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(pending.verifier),
    code_challenge_method: 'S256',
  }).toString();
  return url.toString();
}

/** Trades the callback's code for the ID token (checking state and nonce), once. */
export async function finishOidcLogin(settings: OidcSettings, callback: URL, storage: Storage): Promise<OidcResult> {
  const raw = storage.getItem(OIDC_PENDING_STORAGE);
  storage.removeItem(OIDC_PENDING_STORAGE);
  if (raw === null) throw new Error('No sign-in was started in this tab; start again');
  const pending = JSON.parse(raw) as PendingLogin;
  const as = await discover(settings);
  const client: oauth.Client = { client_id: settings.clientId };
  const params = oauth.validateAuthResponse(as, client, callback, pending.state);
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    oauth.None(),
    params,
    oidcRedirectUri(callback.origin),
    pending.verifier,
    requestOptions(new URL(settings.issuer)),
  );
  const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, {
    expectedNonce: pending.nonce,
    requireIdToken: true,
  });
  const claims = oauth.getValidatedIdTokenClaims(tokens);
  if (!tokens.id_token) throw new Error('The identity provider sent no ID token');
  const email = claims?.['email'];
  return { idToken: tokens.id_token, ...(typeof email === 'string' && { user: email }), returnUrl: pending.returnUrl };
}
