export * from './route-target';
export * from './selectors/target-selector';
export { RouterService, type RouteParams } from './router.service';
export { NoHealthyTargetException } from './no-healthy-target.exception';
export { RoutingConfigService } from './routing-config.service';
export { baseUrlFor, providerApiTypes } from './api-type';
export { oauthAccountOf, oauthApiType, type OAuthTargetAccount } from './oauth-target';
export { RoutingModule } from './routing.module';
export * from './routing-settings';
export {
  CooldownService,
  type CooldownEntry,
  type CooldownView,
  type FailureReport,
} from './cooldown/cooldown.service';
export { backoffMs, cooldownMs, triggersCooldown, FAILURE_MEMORY_MS } from './cooldown/cooldown-policy';
export { SettingsService, SETTINGS_SECTIONS, type SettingsSection } from './settings/settings.service';
export { RedisConnection } from './redis/redis-connection';
export * from './performance/performance-stats.service';
export { CostSelector, simulatedCost } from './selectors/cost.selector';
export { LatencySelector } from './selectors/latency.selector';
export { PerformanceSelector } from './selectors/performance.selector';
export { E2ePerformanceSelector } from './selectors/e2e-performance.selector';
export { UsageSelector } from './selectors/usage.selector';
export { QuotaSelector } from './selectors/quota.selector';
export {
  BackgroundExplorer,
  STATS_SELECTORS,
  type BackgroundExplorerDeps,
  type ExplorationTarget,
} from './exploration/background-explorer';
export { PROVIDER_QUOTA_VIEW, type ProviderQuotaView, type ProviderHeadroom } from './provider-quota';
export { VisionDescriptorCache } from './vision/vision-descriptor-cache';
