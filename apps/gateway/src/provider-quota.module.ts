import { Global, Module } from '@nestjs/common';
import { MeterState, MetersModule } from '@plexus/quota';
import { PROVIDER_QUOTA_VIEW } from '@plexus/routing';

/**
 * Lets routing read provider quota meters without importing the quota lib: binds
 * routing's PROVIDER_QUOTA_VIEW to the meter state, for every module.
 */
@Global()
@Module({
  imports: [MetersModule],
  providers: [{ provide: PROVIDER_QUOTA_VIEW, useExisting: MeterState }],
  exports: [PROVIDER_QUOTA_VIEW],
})
export class ProviderQuotaModule {}
