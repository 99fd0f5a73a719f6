import { Module } from '@nestjs/common';
import { Environment } from '@plexus/config';
import { AnthropicAdapter } from './adapters/anthropic/anthropic.adapter';
import { GeminiAdapter } from './adapters/gemini/gemini.adapter';
import { GeminiEmbeddingsAdapter } from './adapters/gemini/gemini-embeddings.adapter';
import { OpenAiChatAdapter } from './adapters/openai-chat/openai-chat.adapter';
import { OpenAiCompletionsAdapter } from './adapters/openai-completions/openai-completions.adapter';
import { OpenAiMediaAdapter } from './adapters/openai-media/openai-media.adapter';
import { OpenAiResponsesAdapter } from './adapters/openai-responses/openai-responses.adapter';
import { PROVIDER_ADAPTERS, type ProviderAdapter } from './provider-adapter';
import { ProviderAdapterRegistry } from './provider-adapter.registry';
import { AdapterProviderTooling } from './tooling/adapter-provider-tooling';
import { UpstreamHttpClient } from './upstream-http.client';
import { PUBLIC_ADDRESSES_ONLY, testHostsPolicy } from './image-fetch/image-address-policy';
import { IMAGE_ADDRESS_POLICY, SafeImageFetcher } from './image-fetch/safe-image-fetcher';

const ADAPTERS = [OpenAiChatAdapter, OpenAiResponsesAdapter, AnthropicAdapter, GeminiAdapter, OpenAiCompletionsAdapter];

@Module({
  providers: [
    UpstreamHttpClient,
    ...ADAPTERS,
    { provide: PROVIDER_ADAPTERS, inject: ADAPTERS, useFactory: (...adapters: ProviderAdapter[]) => adapters },
    ProviderAdapterRegistry,
    AdapterProviderTooling,
    OpenAiMediaAdapter,
    GeminiEmbeddingsAdapter,
    {
      provide: IMAGE_ADDRESS_POLICY,
      inject: [{ token: Environment, optional: true }],
      useFactory: (env?: Environment) =>
        env?.NODE_ENV === 'test' && env.PLEXUS_TEST_IMAGE_HOSTS
          ? testHostsPolicy(env.PLEXUS_TEST_IMAGE_HOSTS)
          : PUBLIC_ADDRESSES_ONLY,
    },
    SafeImageFetcher,
  ],
  exports: [
    ProviderAdapterRegistry,
    AdapterProviderTooling,
    OpenAiMediaAdapter,
    GeminiEmbeddingsAdapter,
    SafeImageFetcher,
  ],
})
export class ProvidersModule {}
