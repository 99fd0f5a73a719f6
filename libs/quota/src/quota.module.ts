import { Module } from '@nestjs/common';
import { Environment } from '@plexus/config';
import { MemoryQuotaStore } from './ledger/memory-quota-store';
import type { QuotaStore } from './ledger/quota-store';
import { RedisQuotaStore } from './ledger/redis-quota-store';
import { QuotaDefinitions } from './quota-definitions.service';
import { QuotaRecomputeService } from './quota-recompute.service';
import { QUOTA_STORE, QuotaService } from './quota.service';

/**
 * User quotas. With REDIS_URL the buckets live in Redis (atomic across replicas);
 * otherwise in this process (exact on one replica). Either way `quota_state` holds a
 * durable copy, loaded at boot.
 */
@Module({
  providers: [
    {
      provide: QUOTA_STORE,
      inject: [Environment],
      useFactory: (env: Environment): QuotaStore =>
        env.REDIS_URL ? new RedisQuotaStore(env.REDIS_URL) : new MemoryQuotaStore(),
    },
    QuotaDefinitions,
    QuotaService,
    QuotaRecomputeService,
  ],
  exports: [QuotaService, QuotaDefinitions, QuotaRecomputeService],
})
export class QuotaModule {}
