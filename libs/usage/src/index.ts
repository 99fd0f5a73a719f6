export * from './usage-recorder.service';
export { UsageModule } from './usage.module';
export { GatewayMetrics } from './gateway-metrics.service';
export { CatalogModule } from './catalog/catalog.module';
export { ModelCatalog, type CatalogRefreshResult, type CatalogSourceStatus } from './catalog/model-catalog.service';
export { CATALOG_SOURCES, type CatalogModel, type CatalogSource, type NormalizedModelMetadata } from './catalog/catalog-model';
