import { Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { AdminKeyGuard } from '@plexus/auth';
import { CATALOG_SOURCES, ModelCatalog, type CatalogRefreshResult, type CatalogSource } from '@plexus/usage';

export class ModelMetadataSourceStatusDto {
  @ApiProperty({ enum: CATALOG_SOURCES }) source!: CatalogSource;
  @ApiProperty({ description: 'Whether the source has data (the shipped snapshot counts for models.dev)' }) initialized!: boolean;
  @ApiProperty({ description: 'Models the source holds' }) count!: number;
  @ApiPropertyOptional({ description: 'Why the last refresh of this source failed (its previous data is kept)' }) error?: string;
}

export class ModelMetadataSourcesDto {
  @ApiProperty({ type: ModelMetadataSourceStatusDto }) openrouter!: ModelMetadataSourceStatusDto;
  @ApiProperty({ type: ModelMetadataSourceStatusDto }) modelsDev!: ModelMetadataSourceStatusDto;
  @ApiProperty({ type: ModelMetadataSourceStatusDto, description: 'Not supported: never loaded' }) catwalk!: ModelMetadataSourceStatusDto;
}

export class ModelMetadataRefreshDto {
  @ApiProperty() success!: boolean;
  @ApiProperty() message!: string;
  @ApiProperty({ enum: ['startup', 'scheduled', 'manual'] }) trigger!: CatalogRefreshResult['trigger'];
  @ApiProperty({ format: 'date-time' }) refreshedAt!: string;
  @ApiProperty() durationMs!: number;
  @ApiProperty({ minimum: 1 }) intervalMinutes!: number;
  @ApiProperty() hadErrors!: boolean;
  @ApiProperty({ type: ModelMetadataSourcesDto }) sources!: ModelMetadataSourcesDto;
}

/** The model catalog behind default prices and context windows. */
@ApiTags('Management — Models')
@ApiSecurity('AdminKey')
@UseGuards(AdminKeyGuard)
@Controller('v0/management/models/metadata')
export class ModelMetadataController {
  constructor(private readonly catalog: ModelCatalog) {}

  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Reload the model catalogs (models.dev, OpenRouter) now; a source that fails keeps its data and reports its error (still 200)',
  })
  @ApiOkResponse({ type: ModelMetadataRefreshDto })
  refresh(): Promise<ModelMetadataRefreshDto> {
    return this.catalog.refresh('manual');
  }
}
