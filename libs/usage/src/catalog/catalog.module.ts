import { Module } from '@nestjs/common';
import { MetadataController } from './metadata.controller';
import { ModelCatalog } from './model-catalog.service';
import { OpenRouterModelsController } from './openrouter-models.controller';

/** The model catalog (default prices, context windows) and its public metadata endpoints. */
@Module({
  controllers: [MetadataController, OpenRouterModelsController],
  providers: [ModelCatalog],
  exports: [ModelCatalog],
})
export class CatalogModule {}
