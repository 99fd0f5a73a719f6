export * from './usage-recorder.service';
export { UsageModule } from './usage.module';
export { GatewayMetrics } from './gateway-metrics.service';
export { InFlightRegistry, type InFlightRequest } from './in-flight-registry';
export { DebugTraceService, CAPTURE_ON_ERROR_SETTING, type DebugTargets } from './debug-traces/debug-trace.service';
export type { ResponseCapture, UpstreamCapture } from './debug-traces/request-trace';
export {
  RequestEventBus,
  PROGRESS_INTERVAL_MS,
  type FeedEvent,
  type RequestEvent,
  type RequestStartedData,
} from './events/request-event-bus';
export type { RequestProgressData } from './events/request-progress';
export {
  RequestObservation,
  type ObservedError,
  type ObservedRequest,
  type ObservedTarget,
  type RequestObserver,
} from './request-observation.service';
export { LogJournal, RUNTIME_LOG_LEVELS, type LogEntry, type RuntimeLogLevel } from './logging/log-journal';
export { PlexusLogger } from './logging/plexus-logger';
export { LoggingModule } from './logging/logging.module';
export { CatalogModule } from './catalog/catalog.module';
export { ModelCatalog, type CatalogRefreshResult, type CatalogSourceStatus } from './catalog/model-catalog.service';
export {
  CATALOG_SOURCES,
  type CatalogModel,
  type CatalogSource,
  type NormalizedModelMetadata,
} from './catalog/catalog-model';
