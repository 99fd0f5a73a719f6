export * from './provider-adapter';
export { ProviderAdapterRegistry } from './provider-adapter.registry';
export { ProvidersModule } from './providers.module';
export { parseRetryAfter } from './upstream-error';
