import { Module } from '@nestjs/common';
import { Environment } from '@plexus/config';
import { CooldownService } from './cooldown/cooldown.service';
import { PerformanceSampleSharing } from './performance/performance-sharing.service';
import { PerformanceStats } from './performance/performance-stats.service';
import { RouterService } from './router.service';
import { RoutingConfigService } from './routing-config.service';
import { RedisConnection } from './redis/redis-connection';
import { VisionDescriptorCache } from './vision/vision-descriptor-cache';
import { RoutingSettings } from './routing-settings';
import { CostSelector } from './selectors/cost.selector';
import { E2ePerformanceSelector } from './selectors/e2e-performance.selector';
import { InOrderSelector } from './selectors/in-order.selector';
import { LatencySelector } from './selectors/latency.selector';
import { PerformanceSelector } from './selectors/performance.selector';
import { QuotaSelector } from './selectors/quota.selector';
import { RandomSelector } from './selectors/random.selector';
import { UsageSelector } from './selectors/usage.selector';
import { SettingsService } from './settings/settings.service';
import { TARGET_SELECTORS, type TargetSelector } from './selectors/target-selector';

const SELECTORS = [
  RandomSelector,
  InOrderSelector,
  CostSelector,
  LatencySelector,
  PerformanceSelector,
  E2ePerformanceSelector,
  UsageSelector,
  QuotaSelector,
];

@Module({
  providers: [
    RoutingConfigService,
    RoutingSettings,
    {
      provide: RedisConnection,
      inject: [Environment],
      useFactory: (env: Environment) => new RedisConnection(env.REDIS_URL),
    },
    CooldownService,
    SettingsService,
    PerformanceStats,
    PerformanceSampleSharing,
    ...SELECTORS,
    { provide: TARGET_SELECTORS, inject: SELECTORS, useFactory: (...selectors: TargetSelector[]) => selectors },
    RouterService,
    VisionDescriptorCache,
  ],
  exports: [
    RoutingConfigService,
    RouterService,
    RoutingSettings,
    CooldownService,
    SettingsService,
    PerformanceStats,
    RedisConnection,
    VisionDescriptorCache,
  ],
})
export class RoutingModule {}
