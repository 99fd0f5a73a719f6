import { SetMetadata } from '@nestjs/common';
import type { ApiKeyPrincipal } from './api-key-directory.service';

/** Who is calling the management API: the admin, or an API key seeing only its own data. */
export type ManagementPrincipal = { role: 'admin' } | ({ role: 'limited' } & ApiKeyPrincipal);

export interface ManagementRequest {
  managementPrincipal?: ManagementPrincipal;
}

export const ALLOW_LIMITED = 'plexus:allow-limited';

/** Lets an API key's own secret call this route too; the handler must scope to that key. */
export const AllowLimited = (): MethodDecorator & ClassDecorator => SetMetadata(ALLOW_LIMITED, true);
