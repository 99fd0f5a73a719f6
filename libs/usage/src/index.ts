export * from './usage-recorder.service';
export { UsageModule } from './usage.module';
