export * from './provider-adapter';
export { ProviderAdapterRegistry } from './provider-adapter.registry';
export { ProvidersModule } from './providers.module';
export { AdapterProviderTooling } from './tooling/adapter-provider-tooling';
export { EmptyCompletionError, UpstreamStallError, type StallPhase } from './upstream-error';
export { OpenAiMediaAdapter } from './adapters/openai-media/openai-media.adapter';
export { GeminiEmbeddingsAdapter } from './adapters/gemini/gemini-embeddings.adapter';
export * from './adapters/openai-media/media-call';
export {
  SafeImageFetcher,
  ImageFetchRefusedError,
  IMAGE_ADDRESS_POLICY,
  IMAGE_FETCH_LIMITS,
  DEFAULT_IMAGE_FETCH_LIMITS,
  type FetchedImage,
  type ImageFetchLimits,
} from './image-fetch/safe-image-fetcher';
export {
  isPublicAddress,
  testHostsPolicy,
  PUBLIC_ADDRESSES_ONLY,
  type ImageAddressPolicy,
} from './image-fetch/image-address-policy';
