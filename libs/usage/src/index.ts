export * from './usage-recorder.service';
export { UsageModule } from './usage.module';
export { GatewayMetrics } from './gateway-metrics.service';
