import { Inject, Injectable } from '@nestjs/common';
import type { ApiFormat } from '@plexus/core';
import { PROVIDER_ADAPTERS, type ProviderAdapter } from './provider-adapter';

@Injectable()
export class ProviderAdapterRegistry {
  private readonly byType: ReadonlyMap<ApiFormat, ProviderAdapter>;

  constructor(@Inject(PROVIDER_ADAPTERS) adapters: ProviderAdapter[]) {
    this.byType = new Map(adapters.map((adapter) => [adapter.apiType, adapter]));
  }

  get(apiType: ApiFormat): ProviderAdapter | undefined {
    return this.byType.get(apiType);
  }

  supportedTypes(): ApiFormat[] {
    return [...this.byType.keys()];
  }
}
