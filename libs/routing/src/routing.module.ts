import { Module } from '@nestjs/common';
import { RouterService } from './router.service';
import { RoutingConfigService } from './routing-config.service';
import { RoutingSettings } from './routing-settings';
import { InOrderSelector } from './selectors/in-order.selector';
import { RandomSelector } from './selectors/random.selector';
import { TARGET_SELECTORS, type TargetSelector } from './selectors/target-selector';

const SELECTORS = [RandomSelector, InOrderSelector];

@Module({
  providers: [
    RoutingConfigService,
    RoutingSettings,
    ...SELECTORS,
    { provide: TARGET_SELECTORS, inject: SELECTORS, useFactory: (...selectors: TargetSelector[]) => selectors },
    RouterService,
  ],
  exports: [RoutingConfigService, RouterService, RoutingSettings],
})
export class RoutingModule {}
