export * from './route-target';
export * from './selectors/target-selector';
export { RouterService, type RouteParams } from './router.service';
export { RoutingConfigService } from './routing-config.service';
export { providerApiTypes } from './api-type';
export { RoutingModule } from './routing.module';
export * from './routing-settings';
