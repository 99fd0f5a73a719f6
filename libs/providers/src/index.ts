export * from './provider-adapter';
export { ProviderAdapterRegistry } from './provider-adapter.registry';
export { ProvidersModule } from './providers.module';
export { AdapterProviderTooling } from './tooling/adapter-provider-tooling';
export { EmptyCompletionError, UpstreamStallError, type StallPhase } from './upstream-error';
export { OpenAiMediaAdapter } from './adapters/openai-media/openai-media.adapter';
export { GeminiEmbeddingsAdapter } from './adapters/gemini/gemini-embeddings.adapter';
export * from './adapters/openai-media/media-call';
