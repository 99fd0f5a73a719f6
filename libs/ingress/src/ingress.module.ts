import { OAuthModule } from '@plexus/oauth';
import { Module } from '@nestjs/common';
import { AuthModule } from '@plexus/auth';
import { ConversationsModule } from '@plexus/conversations';
import { ProvidersModule } from '@plexus/providers';
import { QuotaModule } from '@plexus/quota';
import { RoutingModule } from '@plexus/routing';
import { CatalogModule, UsageModule } from '@plexus/usage';
import { ApiKeyGuard } from './api-key.guard';
import { AnthropicMessagesController } from './anthropic/anthropic-messages.controller';
import { GeminiController } from './gemini/gemini.controller';
import { OpenAiAudioController } from './openai-audio/openai-audio.controller';
import { OpenAiChatController } from './openai-chat/openai-chat.controller';
import { OpenAiCompletionsController } from './openai-completions/openai-completions.controller';
import { OpenAiEmbeddingsController } from './openai-embeddings/openai-embeddings.controller';
import { OpenAiImagesController } from './openai-images/openai-images.controller';
import { OpenAiResponsesController } from './openai-responses/openai-responses.controller';
import { BackgroundExplorationService } from './exploration/background-exploration.service';
import { ATTEMPT_STEPS, type AttemptStep } from './pipeline/attempt-step';
import { ExecutionService } from './pipeline/execution.service';
import { RequestLifecycle } from './pipeline/request-lifecycle';
import { RawPassthrough } from './raw/raw-passthrough.service';
import { RequestShaper } from './shaping/request-shaper.service';
import { VisionFallthroughService } from './shaping/vision-fallthrough.service';

@Module({
  imports: [
    AuthModule,
    ConversationsModule,
    OAuthModule,
    ProvidersModule,
    QuotaModule,
    RoutingModule,
    UsageModule,
    CatalogModule,
  ],
  controllers: [
    OpenAiChatController,
    OpenAiCompletionsController,
    OpenAiResponsesController,
    AnthropicMessagesController,
    GeminiController,
    OpenAiEmbeddingsController,
    OpenAiAudioController,
    OpenAiImagesController,
  ],
  providers: [
    RequestLifecycle,
    ExecutionService,
    ApiKeyGuard,
    BackgroundExplorationService,
    RawPassthrough,
    // The per-attempt steps, in the order they run: add a step's class here and to `inject`.
    RequestShaper,
    VisionFallthroughService,
    { provide: ATTEMPT_STEPS, useFactory: (...steps: AttemptStep[]): AttemptStep[] => steps, inject: [RequestShaper] },
  ],
  exports: [RawPassthrough],
})
export class IngressModule {}
