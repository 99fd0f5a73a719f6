import { Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { CooldownService, RoutingModule } from '@plexus/routing';
import { GatewayMetrics, UsageModule } from '@plexus/usage';

/** Publishes routing state as Prometheus gauges; lives here because routing and usage don't import each other. */
@Injectable()
class RoutingGauges implements OnModuleInit {
  constructor(
    private readonly metrics: GatewayMetrics,
    private readonly cooldowns: CooldownService,
  ) {}

  onModuleInit(): void {
    this.metrics.gauge(
      'plexus_cooldowns_active',
      'Provider+model targets currently cooling down',
      () => this.cooldowns.list().length,
    );
  }
}

@Module({
  imports: [RoutingModule, UsageModule],
  providers: [RoutingGauges],
})
export class RoutingMetricsModule {}
