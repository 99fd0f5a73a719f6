import { Module } from '@nestjs/common';
import { GatewayMetrics } from './gateway-metrics.service';
import { MetricsController } from './metrics.controller';
import { UsageRecorder } from './usage-recorder.service';

@Module({
  controllers: [MetricsController],
  providers: [UsageRecorder, GatewayMetrics],
  exports: [UsageRecorder, GatewayMetrics],
})
export class UsageModule {}
