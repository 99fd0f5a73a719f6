import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import {
  ApiBody,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Audited } from '../audit/audited.decorator';
import { ManagementApi } from '../common/management-api.decorator';
import { AdminKeyGuard } from '@plexus/auth';
import {
  CATALOG_SOURCES,
  ModelCatalog,
  type CatalogModel,
  type CatalogRefreshResult,
  type CatalogSource,
} from '@plexus/usage';
import { Type } from 'class-transformer';
import { IsNotEmpty, IsObject, IsString } from 'class-validator';
import { normalizeLegacyAlias } from '../aliases/alias-config.mapper';
import { AliasConfigDto } from '../aliases/alias.dto';
import { validateBody } from '../common/validation';

export class ModelMetadataSourceStatusDto {
  @ApiProperty({ enum: CATALOG_SOURCES }) source!: CatalogSource;
  @ApiProperty({ description: 'Whether the source has data (the shipped snapshot counts for models.dev)' })
  initialized!: boolean;
  @ApiProperty({ description: 'Models the source holds' }) count!: number;
  @ApiPropertyOptional({ description: 'Why the last refresh of this source failed (its previous data is kept)' })
  error?: string;
}

export class ModelMetadataSourcesDto {
  @ApiProperty({ type: ModelMetadataSourceStatusDto }) openrouter!: ModelMetadataSourceStatusDto;
  @ApiProperty({ type: ModelMetadataSourceStatusDto }) modelsDev!: ModelMetadataSourceStatusDto;
  @ApiProperty({ type: ModelMetadataSourceStatusDto, description: 'Not supported: never loaded' })
  catwalk!: ModelMetadataSourceStatusDto;
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

export class ModelMetadataResolveRequestDto {
  @ApiProperty({ description: 'The alias slug (saved or not)' })
  @IsString()
  @IsNotEmpty()
  alias_id!: string;

  @ApiProperty({ type: AliasConfigDto, description: 'The unsaved alias configuration' })
  @IsObject()
  @Type(() => Object)
  model!: Record<string, unknown>;
}

export class ModelMetadataCanonicalModelDto {
  @ApiPropertyOptional() provider?: string;
  @ApiProperty() model!: string;
  @ApiProperty({ enum: ['pi_model', 'target', 'alias'] }) basis!: 'pi_model' | 'target' | 'alias';
}

export class ModelMetadataPiModelDto {
  @ApiProperty() provider!: string;
  @ApiProperty() model_id!: string;
  @ApiProperty() name!: string;
}

export class ModelMetadataSelectionDto {
  @ApiProperty({ enum: ['openrouter', 'models.dev', 'catwalk', 'heuristic'] }) source!: CatalogSource | 'heuristic';
  @ApiPropertyOptional() source_path?: string;
  @ApiProperty() name!: string;
}

export class ModelMetadataResolveDto {
  @ApiProperty({ type: ModelMetadataCanonicalModelDto }) canonical_model!: ModelMetadataCanonicalModelDto;
  @ApiProperty({
    type: ModelMetadataPiModelDto,
    nullable: true,
    description: 'The pi_model the alias names (no Pi registry is consulted)',
  })
  pi_model!: ModelMetadataPiModelDto | null;
  @ApiProperty({ type: ModelMetadataSelectionDto, nullable: true }) metadata!: ModelMetadataSelectionDto | null;
  @ApiProperty({
    type: [String],
    nullable: true,
    enum: ['chat_completions', 'messages', 'gemini', 'responses'],
    description: "The alias' preferred_api, as given",
  })
  preferred_api!: string[] | null;
}

const asRecord = (value: unknown): Record<string, unknown> | null =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
const asText = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** The model catalog behind default prices and context windows. */
@ApiTags('Management — Models')
@ManagementApi()
@UseGuards(AdminKeyGuard)
@Controller('v0/management/models/metadata')
export class ModelMetadataController {
  constructor(private readonly catalog: ModelCatalog) {}

  @Audited()
  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Reload the model catalogs (models.dev, OpenRouter) now; a source that fails keeps its data and reports its error (still 200)',
  })
  @ApiOkResponse({ type: ModelMetadataRefreshDto })
  refresh(): Promise<ModelMetadataRefreshDto> {
    return this.catalog.refresh('manual');
  }

  @Audited()
  @Post('resolve')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Preview an unsaved alias' automatic selections: its canonical model (pi_model, else the first enabled target, else the alias) and the catalog entry describing it (the alias' metadata source, else a catalog match)",
  })
  @ApiBody({ type: ModelMetadataResolveRequestDto })
  @ApiOkResponse({ type: ModelMetadataResolveDto })
  @ApiResponse({ status: 400, description: 'Invalid alias configuration' })
  resolve(@Body() body: unknown): ModelMetadataResolveDto {
    const request = validateBody(ModelMetadataResolveRequestDto, body);
    const alias = validateBody(AliasConfigDto, normalizeLegacyAlias(request.model));
    const pi = asRecord(alias['pi_model']);
    const piProvider = asText(pi?.['provider']);
    const piModel = asText(pi?.['model_id']);
    const target = alias.target_groups
      .flatMap((group) => group.targets)
      .find((candidate) => candidate.enabled !== false);
    const canonical: ModelMetadataCanonicalModelDto =
      piProvider && piModel
        ? { provider: piProvider, model: piModel, basis: 'pi_model' }
        : target
          ? { provider: target.provider, model: target.model, basis: 'target' }
          : { model: request.alias_id, basis: 'alias' };
    const preferred = alias['preferred_api'];
    return {
      canonical_model: canonical,
      pi_model: piProvider && piModel ? { provider: piProvider, model_id: piModel, name: piModel } : null,
      metadata: this.metadataOf(asRecord(alias['metadata']), canonical),
      preferred_api: Array.isArray(preferred)
        ? preferred.filter((api): api is string => typeof api === 'string')
        : null,
    };
  }

  private metadataOf(
    metadata: Record<string, unknown> | null,
    canonical: ModelMetadataCanonicalModelDto,
  ): ModelMetadataSelectionDto | null {
    const source = asText(metadata?.['source']) ?? 'auto';
    const selection = (model: CatalogModel): ModelMetadataSelectionDto => ({
      source: model.source,
      source_path: model.path,
      name: model.name,
    });
    if ((CATALOG_SOURCES as readonly string[]).includes(source)) {
      const path = asText(metadata?.['source_path']);
      const found = path ? this.catalog.source(source as CatalogSource)?.get(path) : null;
      return found ? selection(found) : null;
    }
    if (source !== 'auto') return null;
    const found = this.catalog.lookup(canonical.model, canonical.provider);
    return found ? selection(found) : null;
  }
}
