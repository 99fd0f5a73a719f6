import { SetMetadata } from '@nestjs/common';
import type { ApiKeyPrincipal } from './api-key-directory.service';

/**
 * Who is calling the management API: the admin (by ADMIN_KEY, a user signed in through SSO
 * at a trusted proxy, or an OIDC ID token), or an API key seeing only its own data.
 */
export type ManagementPrincipal = AdminPrincipal | ({ role: 'limited' } & ApiKeyPrincipal);

export type AdminPrincipal = { role: 'admin'; via: 'admin-key' } | { role: 'admin'; via: 'sso' | 'oidc'; user: string };

export interface ManagementRequest {
  managementPrincipal?: ManagementPrincipal;
  /** The client's address, resolved through the trusted proxies. */
  clientAddress?: string | null;
}

/** How the principal appears in the audit log. */
export function principalActor(principal: ManagementPrincipal): {
  actor: string;
  kind: 'sso' | 'oidc' | 'admin-key' | 'api-key';
} {
  if (principal.role === 'limited') return { actor: principal.keyName, kind: 'api-key' };
  return principal.via === 'admin-key'
    ? { actor: 'admin-key', kind: 'admin-key' }
    : { actor: principal.user, kind: principal.via };
}

export const ALLOW_LIMITED = 'plexus:allow-limited';

/** Lets an API key's own secret call this route too; the handler must scope to that key. */
export const AllowLimited = (): MethodDecorator & ClassDecorator => SetMetadata(ALLOW_LIMITED, true);
