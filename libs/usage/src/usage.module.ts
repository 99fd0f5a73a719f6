import { Module } from '@nestjs/common';
import { GatewayMetrics } from './gateway-metrics.service';
import { MetricsController } from './metrics.controller';
import { UsageRecorder } from './usage-recorder.service';
import { UsageRetentionJob } from './usage-retention.job';

@Module({
  controllers: [MetricsController],
  providers: [UsageRecorder, GatewayMetrics, UsageRetentionJob],
  exports: [UsageRecorder, GatewayMetrics],
})
export class UsageModule {}
