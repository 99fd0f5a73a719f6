import { Injectable, computed, signal } from '@angular/core';

/** Where the admin key lives: this browser tab's session only (cleared when the tab closes). */
export const ADMIN_KEY_STORAGE = 'plexus.adminKey';

function readStoredKey(): string | null {
  try {
    return sessionStorage.getItem(ADMIN_KEY_STORAGE);
  } catch {
    return null;
  }
}

/** The signed-in admin key. Sent as `x-admin-key` by the admin-key interceptor. */
@Injectable({ providedIn: 'root' })
export class AdminSession {
  private readonly stored = signal<string | null>(readStoredKey());

  readonly key = this.stored.asReadonly();
  readonly signedIn = computed(() => this.stored() !== null);

  signIn(key: string): void {
    sessionStorage.setItem(ADMIN_KEY_STORAGE, key);
    this.stored.set(key);
  }

  signOut(): void {
    sessionStorage.removeItem(ADMIN_KEY_STORAGE);
    this.stored.set(null);
  }
}
