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
export {
  QuotaRecomputeService,
  QuotaRecomputeError,
  type QuotaRecomputeRefusal,
  type QuotaRecomputeResult,
} from './quota-recompute.service';
export { QuotaExceededException, type BlockingQuota, type QuotaExceededBody } from './quota-exceeded.exception';
export { estimateUsage, DEFAULT_OUTPUT_ESTIMATE, type UsageEstimate } from './quota-estimate';
export { parseDuration } from './window/duration';
export * from './window/quota-window';
export { MemoryQuotaStore } from './ledger/memory-quota-store';
export { RedisQuotaStore } from './ledger/redis-quota-store';
export type {
  QuotaStore,
  BucketSpec,
  AdmitInput,
  AdmitOutcome,
  SettleInput,
  ConcurrencySpec,
} from './ledger/quota-store';
export { MetersModule } from './meters/meters.module';
export { MeterScheduler, QUOTA_CHECKERS } from './meters/meter-scheduler.service';
export { MeterState, utilizationOf, type CheckerState, type QuotaHeadroom } from './meters/meter-state.service';
export { BUILT_IN_CHECKERS } from './meters/checkers';
export {
  checkerConfigOf,
  DEFAULT_INTERVAL_MINUTES,
  DEFAULT_MAX_UTILIZATION_PERCENT,
  type CheckerConfig,
} from './meters/checker-config';
export { meterOf, resultOf, snapshotRows, ERROR_KEY, EMPTY_KEY, type CheckResult } from './meters/check-result';
export * from './meters/meter';
export { CheckerError, type QuotaChecker, type CheckerContext } from './meters/quota-checker';
