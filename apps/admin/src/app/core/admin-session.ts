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
    return parsed.role === 'limited' ? { role: 'limited', ...(typeof parsed.keyName === 'string' && { keyName: parsed.keyName }) } : { role: 'admin' };
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
  readonly signedIn = computed(() => this.stored() !== null);
  readonly limited = computed(() => this.who().role === 'limited');

  signIn(key: string, identity: SessionIdentity = { role: 'admin' }): void {
    sessionStorage.setItem(ADMIN_KEY_STORAGE, key);
    sessionStorage.setItem(ROLE_STORAGE, JSON.stringify(identity));
    this.stored.set(key);
    this.who.set(identity);
  }

  signOut(): void {
    sessionStorage.removeItem(ADMIN_KEY_STORAGE);
    sessionStorage.removeItem(ROLE_STORAGE);
    this.stored.set(null);
    this.who.set({ role: 'admin' });
  }
}
