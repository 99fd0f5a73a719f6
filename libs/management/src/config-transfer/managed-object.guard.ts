import { Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AliasRepository, ApiKeyRepository, ProviderRepository, UserQuotaRepository } from '@plexus/persistence';
import { conflict } from '../common/validation';

export type ManagedKind = 'provider' | 'alias' | 'key' | 'quota';

interface ManagedTarget {
  kind: ManagedKind;
  /** The route parameter naming the object. */
  param: string;
}

const MANAGED_TARGET = 'plexus:managed-target';

/** Marks a route that changes or deletes one object: refused (409) while the object is managed by the config file. */
export const RefuseManaged = (kind: ManagedKind, param: string): MethodDecorator =>
  SetMetadata(MANAGED_TARGET, { kind, param } satisfies ManagedTarget);

const LABELS: Record<ManagedKind, string> = {
  provider: 'Provider',
  alias: 'Alias',
  key: 'API key',
  quota: 'User quota',
};

/**
 * Objects from the declarative config file (PLEXUS_CONFIG) change only through the file,
 * so a GitOps source of truth is never silently overridden. Runs after the admin-key guard.
 */
@Injectable()
export class ManagedObjectGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly providers: ProviderRepository,
    private readonly aliases: AliasRepository,
    private readonly keys: ApiKeyRepository,
    private readonly quotas: UserQuotaRepository,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const target = this.reflector.get<ManagedTarget | undefined>(MANAGED_TARGET, context.getHandler());
    if (!target) return true;
    const name = context.switchToHttp().getRequest<{ params: Record<string, string> }>().params[target.param];
    if (name === undefined || !(await this.isManaged(target.kind, name))) return true;
    throw conflict(`${LABELS[target.kind]} '${name}' is managed by the config file (PLEXUS_CONFIG): change it there`);
  }

  private async isManaged(kind: ManagedKind, name: string): Promise<boolean> {
    switch (kind) {
      case 'provider':
        return (await this.providers.findBySlug(name))?.managed === true;
      case 'alias':
        return (await this.aliases.findBySlug(name))?.managed === true;
      case 'key':
        return (await this.keys.findByName(name))?.managed === true;
      case 'quota':
        return (await this.quotas.findByName(name))?.managed === true;
    }
  }
}
