export * from './provider-adapter';
export { ProviderAdapterRegistry } from './provider-adapter.registry';
export { ProvidersModule } from './providers.module';
export { EmptyCompletionError, UpstreamStallError, type StallPhase } from './upstream-error';
