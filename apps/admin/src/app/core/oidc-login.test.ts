import { afterEach, describe, expect, it, vi } from 'vitest';
import { OIDC_PENDING_STORAGE, finishOidcLogin, startOidcLogin } from './oidc-login';

const ISSUER = 'https://idp.example';
const SETTINGS = { issuer: ISSUER, clientId: 'console', scopes: 'openid email profile' };
const DISCOVERY = {
  issuer: ISSUER,
  authorization_endpoint: `${ISSUER}/authorize`,
  token_endpoint: `${ISSUER}/token`,
  jwks_uri: `${ISSUER}/jwks`,
  id_token_signing_alg_values_supported: ['RS256'],
};

function base64url(value: object): string {
  return btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
}

function json(body: object): Response {
  return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
}

describe('OIDC login (code flow with PKCE)', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
    sessionStorage.clear();
  });

  it('sends the browser to the authorization endpoint with PKCE, state and nonce, and trades the code for the ID token', async () => {
    // jsdom's ArrayBuffer is not Node's: hand the digest back in the test realm's, as a browser would.
    const digest = crypto.subtle.digest.bind(crypto.subtle);
    vi.spyOn(crypto.subtle, 'digest').mockImplementation(async (algorithm, data) => {
      const bytes = new Uint8Array(await digest(algorithm, data));
      const copy = new ArrayBuffer(bytes.byteLength);
      new Uint8Array(copy).set(bytes);
      return copy;
    });
    const calls: { url: string; body?: string }[] = [];
    let nonce = '';
    vi.stubGlobal(
      'fetch',
      vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
        const url = input instanceof Request ? input.url : String(input);
        calls.push({ url, ...(init?.body !== undefined && { body: String(init.body) }) });
        if (url.endsWith('/.well-known/openid-configuration')) return json(DISCOVERY);
        const now = Math.floor(Date.now() / 1000);
        const claims = {
          iss: ISSUER,
          aud: 'console',
          sub: 'u1',
          email: 'alice@example.com',
          nonce,
          iat: now,
          exp: now + 300,
        };
        return json({
          access_token: 'at',
          token_type: 'Bearer',
          id_token: `${base64url({ alg: 'RS256', typ: 'JWT' })}.${base64url(claims)}.c2ln`,
        });
      }),
    );

    const location = new URL(await startOidcLogin(SETTINGS, 'https://gw.example', '/keys', sessionStorage));
    expect(`${location.origin}${location.pathname}`).toBe(`${ISSUER}/authorize`);
    const params = Object.fromEntries(location.searchParams);
    expect(params).toMatchObject({
      response_type: 'code',
      client_id: 'console',
      redirect_uri: 'https://gw.example/login',
      scope: 'openid email profile',
      code_challenge_method: 'S256',
    });
    expect(params['code_challenge']).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const pending = JSON.parse(sessionStorage.getItem(OIDC_PENDING_STORAGE) ?? '{}') as {
      state: string;
      nonce: string;
      verifier: string;
    };
    expect(pending.state).toBe(params['state']);
    nonce = pending.nonce;

    const result = await finishOidcLogin(
      SETTINGS,
      new URL(`https://gw.example/login?code=c0de&state=${pending.state}`),
      sessionStorage,
    );
    expect(result).toMatchObject({ user: 'alice@example.com', returnUrl: '/keys' });
    expect(result.idToken.split('.')).toHaveLength(3);
    const token = calls.find((call) => call.url === `${ISSUER}/token`);
    expect(Object.fromEntries(new URLSearchParams(token?.body))).toEqual({
      grant_type: 'authorization_code',
      redirect_uri: 'https://gw.example/login',
      code_verifier: pending.verifier,
      code: 'c0de',
      client_id: 'console',
    });
    expect(sessionStorage.getItem(OIDC_PENDING_STORAGE)).toBeNull();
  });

  it('refuses a callback whose state does not match', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => json(DISCOVERY)),
    );
    sessionStorage.setItem(
      OIDC_PENDING_STORAGE,
      JSON.stringify({ verifier: 'v', state: 'expected', nonce: 'n', returnUrl: '/' }),
    );
    await expect(
      finishOidcLogin(SETTINGS, new URL('https://gw.example/login?code=c&state=forged'), sessionStorage),
    ).rejects.toThrow();
  });
});
