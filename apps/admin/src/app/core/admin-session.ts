import { Injectable, computed, signal } from '@angular/core';

/** Where the key lives: this browser tab's session only (cleared when the tab closes). */
export const ADMIN_KEY_STORAGE = 'plexus.adminKey';
/** Who signed in: the admin, or an API key holder with a limited view. */
export const ROLE_STORAGE = 'plexus.role';

/** `limited`: signed in with an API key's own secret, which sees only its own usage and quota. */
export type SessionRole = 'admin' | 'limited';

export interface SessionIdentity {
  readonly role: SessionRole;
  /** The key's name, for a limited session. */
  readonly keyName?: string;
  /**
   * `sso`: single sign-on at the trusted proxy in front of the gateway (no key is sent, the proxy
   * vouches for every call). `oidc`: the key is an ID token from the identity provider, sent as a Bearer token.
   */
  readonly via?: 'sso' | 'oidc';
  /** The signed-in user's name or email. */
  readonly user?: string;
}

function read(name: string): string | null {
  try {
    return sessionStorage.getItem(name);
  } catch {
    return null;
  }
}

function readIdentity(): SessionIdentity {
  const raw = read(ROLE_STORAGE);
  if (raw === null) return { role: 'admin' };
  try {
    const parsed = JSON.parse(raw) as Partial<SessionIdentity>;
    if (parsed.role === 'limited')
      return { role: 'limited', ...(typeof parsed.keyName === 'string' && { keyName: parsed.keyName }) };
    if (parsed.via === 'sso' || parsed.via === 'oidc')
      return { role: 'admin', via: parsed.via, ...(typeof parsed.user === 'string' && { user: parsed.user }) };
    return { role: 'admin' };
  } catch {
    return { role: 'admin' };
  }
}

/** The signed-in key (sent as `x-admin-key` by the admin-key interceptor) and its role. */
@Injectable({ providedIn: 'root' })
export class AdminSession {
  private readonly stored = signal<string | null>(read(ADMIN_KEY_STORAGE));
  private readonly who = signal<SessionIdentity>(readIdentity());

  readonly key = this.stored.asReadonly();
  readonly identity = this.who.asReadonly();
  readonly signedIn = computed(() => this.stored() !== null || this.who().via === 'sso');
  /** Signed in through an identity provider (the proxy's SSO or OIDC), not with a key. */
  readonly sso = computed(() => this.who().via !== undefined);

  /** The headers that authenticate a management call for this session. */
  readonly authHeaders = computed((): Record<string, string> => {
    const key = this.stored();
    if (key === null) return {};
    if (this.who().via === 'oidc') return { authorization: `Bearer ${key}` };
    return { 'x-admin-key': key };
  });
  readonly limited = computed(() => this.who().role === 'limited');

  signIn(key: string, identity: SessionIdentity = { role: 'admin' }): void {
    sessionStorage.setItem(ADMIN_KEY_STORAGE, key);
    sessionStorage.setItem(ROLE_STORAGE, JSON.stringify(identity));
    this.stored.set(key);
    this.who.set(identity);
  }

  /** Signed in at the identity provider: its ID token stands in for the admin key until it expires. */
  signInOidc(idToken: string, user?: string): void {
    const identity: SessionIdentity = { role: 'admin', via: 'oidc', ...(user !== undefined && { user }) };
    sessionStorage.setItem(ADMIN_KEY_STORAGE, idToken);
    sessionStorage.setItem(ROLE_STORAGE, JSON.stringify(identity));
    this.stored.set(idToken);
    this.who.set(identity);
  }

  /** The trusted proxy authenticated this browser: no key to keep. */
  signInSso(user?: string): void {
    sessionStorage.removeItem(ADMIN_KEY_STORAGE);
    const identity: SessionIdentity = { role: 'admin', via: 'sso', ...(user !== undefined && { user }) };
    sessionStorage.setItem(ROLE_STORAGE, JSON.stringify(identity));
    this.stored.set(null);
    this.who.set(identity);
  }

  signOut(): void {
    sessionStorage.removeItem(ADMIN_KEY_STORAGE);
    sessionStorage.removeItem(ROLE_STORAGE);
    this.stored.set(null);
    this.who.set({ role: 'admin' });
  }
}
