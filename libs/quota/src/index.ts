export { QuotaModule } from './quota.module';
export {
  QuotaService,
  QUOTA_STORE,
  LEASE_MS,
  SHARED_BUCKET,
  type QuotaPrincipal,
  type Reservation,
  type QuotaStatusEntry,
  type KeyQuotaStatus,
} from './quota.service';
export { QuotaDefinitions, assignedQuotaNames, definitionOf } from './quota-definitions.service';
export { QuotaExceededException, type BlockingQuota, type QuotaExceededBody } from './quota-exceeded.exception';
export { estimateUsage, DEFAULT_OUTPUT_ESTIMATE, type UsageEstimate } from './quota-estimate';
export { parseDuration } from './window/duration';
export * from './window/quota-window';
export { MemoryQuotaStore } from './ledger/memory-quota-store';
export { RedisQuotaStore } from './ledger/redis-quota-store';
export type { QuotaStore, BucketSpec, AdmitInput, AdmitOutcome, SettleInput, ConcurrencySpec } from './ledger/quota-store';
