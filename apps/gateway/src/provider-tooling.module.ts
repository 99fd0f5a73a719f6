import { Global, Module } from '@nestjs/common';
import { PROVIDER_TOOLING } from '@plexus/core';
import { AdapterProviderTooling, ProvidersModule } from '@plexus/providers';

/**
 * Binds the management API's provider tools (model listing, probes) to the provider
 * adapters: management may not import the adapters, so the composition root wires them.
 */
@Global()
@Module({
  imports: [ProvidersModule],
  providers: [{ provide: PROVIDER_TOOLING, useExisting: AdapterProviderTooling }],
  exports: [PROVIDER_TOOLING],
})
export class ProviderToolingModule {}
