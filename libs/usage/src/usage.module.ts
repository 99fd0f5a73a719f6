import { Module } from '@nestjs/common';
import { DebugTraceService } from './debug-traces/debug-trace.service';
import { RequestEventBus } from './events/request-event-bus';
import { GatewayMetrics } from './gateway-metrics.service';
import { InFlightRegistry } from './in-flight-registry';
import { MetricsController } from './metrics.controller';
import { RequestObservation } from './request-observation.service';
import { GatewayTelemetry } from './telemetry/gateway-telemetry.service';
import { UsageRecorder } from './usage-recorder.service';
import { UsageRetentionJob } from './usage-retention.job';

@Module({
  controllers: [MetricsController],
  providers: [
    UsageRecorder,
    GatewayMetrics,
    UsageRetentionJob,
    DebugTraceService,
    RequestEventBus,
    GatewayTelemetry,
    RequestObservation,
    InFlightRegistry,
  ],
  exports: [InFlightRegistry, UsageRecorder, GatewayMetrics, DebugTraceService, RequestEventBus, RequestObservation],
})
export class UsageModule {}
