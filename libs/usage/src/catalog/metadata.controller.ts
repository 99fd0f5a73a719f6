import { Controller, Get, HttpException, HttpStatus, Query } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { CATALOG_SOURCES, type CatalogSource, type NormalizedModelMetadata } from './catalog-model';
import { ModelCatalog } from './model-catalog.service';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;

export class MetadataSearchEntryDto {
  @ApiProperty({ description: "The entry's source_path, e.g. openai/gpt-4o" }) id!: string;
  @ApiProperty() name!: string;
}

export class MetadataSearchResultDto {
  @ApiProperty({ type: [MetadataSearchEntryDto] }) data!: MetadataSearchEntryDto[];
  @ApiProperty() count!: number;
}

/** The reference's NormalizedModelMetadata; prices in USD per million tokens. */
export class NormalizedModelMetadataDto {
  @ApiProperty() name!: string;
  @ApiPropertyOptional() description?: string;
  @ApiPropertyOptional({ description: 'Context window in tokens' }) context_length?: number;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'input_modalities, output_modalities, tokenizer',
  })
  architecture?: Record<string, unknown>;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'USD per million tokens: prompt, completion, input_cache_read, input_cache_write',
  })
  pricing?: Record<string, unknown>;
  @ApiPropertyOptional({ type: [String] }) supported_parameters?: string[];
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'context_length, max_completion_tokens',
  })
  top_provider?: Record<string, unknown>;
}

export class MetadataLookupResultDto {
  @ApiProperty({ type: NormalizedModelMetadataDto }) data!: NormalizedModelMetadata;
}

function failure(status: HttpStatus, message: string, type: string): HttpException {
  return new HttpException({ error: { message, type } }, status);
}

function sourceOf(value: string | undefined): CatalogSource {
  if (value === undefined || value === '')
    throw failure(
      HttpStatus.BAD_REQUEST,
      `source is required (one of ${CATALOG_SOURCES.join(', ')})`,
      'invalid_request',
    );
  if (!(CATALOG_SOURCES as readonly string[]).includes(value)) {
    throw failure(HttpStatus.BAD_REQUEST, `source must be one of ${CATALOG_SOURCES.join(', ')}`, 'invalid_request');
  }
  return value as CatalogSource;
}

/** Public search and lookup over the loaded model catalogs (the admin console's metadata pickers). */
@ApiTags('Inference — Models')
@ApiExtraModels(NormalizedModelMetadataDto)
@Controller('v1/metadata')
export class MetadataController {
  constructor(private readonly catalog: ModelCatalog) {}

  @Get('search')
  @ApiOperation({ summary: 'Search a loaded metadata catalog (public)' })
  @ApiQuery({ name: 'source', enum: CATALOG_SOURCES })
  @ApiQuery({ name: 'q', required: false, description: 'Substring of the id or name' })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', default: DEFAULT_LIMIT, minimum: 1, maximum: MAX_LIMIT },
  })
  @ApiOkResponse({ type: MetadataSearchResultDto })
  @ApiResponse({ status: 400, description: 'Missing or invalid source or limit' })
  @ApiResponse({ status: 503, description: 'The source is not loaded' })
  search(
    @Query('source') rawSource?: string,
    @Query('q') q?: string,
    @Query('limit') rawLimit?: string,
  ): MetadataSearchResultDto {
    const source = sourceOf(rawSource);
    const limit = rawLimit === undefined || rawLimit === '' ? DEFAULT_LIMIT : Number(rawLimit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw failure(HttpStatus.BAD_REQUEST, `limit must be an integer from 1 to ${MAX_LIMIT}`, 'invalid_request');
    }
    const index = this.catalog.source(source);
    if (!index) throw failure(HttpStatus.SERVICE_UNAVAILABLE, `The ${source} catalog is not loaded`, 'unavailable');
    const data = index.search(q, limit).map((model) => ({ id: model.path, name: model.name }));
    return { data, count: data.length };
  }

  @Get('lookup')
  @ApiOperation({ summary: 'Full normalized metadata of one catalog entry (public)' })
  @ApiQuery({ name: 'source', enum: CATALOG_SOURCES })
  @ApiQuery({ name: 'source_path', description: 'The entry id, e.g. openai/gpt-4o' })
  @ApiOkResponse({ type: MetadataLookupResultDto })
  @ApiResponse({ status: 400, description: 'Missing or invalid parameters' })
  @ApiResponse({ status: 404, description: 'No entry with this source_path' })
  @ApiResponse({ status: 503, description: 'The source is not loaded' })
  lookup(@Query('source') rawSource?: string, @Query('source_path') path?: string): MetadataLookupResultDto {
    const source = sourceOf(rawSource);
    if (path === undefined || path.trim() === '')
      throw failure(HttpStatus.BAD_REQUEST, 'source_path is required', 'invalid_request');
    const index = this.catalog.source(source);
    if (!index) throw failure(HttpStatus.SERVICE_UNAVAILABLE, `The ${source} catalog is not loaded`, 'unavailable');
    const model = index.get(path);
    if (!model) throw failure(HttpStatus.NOT_FOUND, `No ${source} metadata for '${path}'`, 'not_found');
    return { data: model.metadata };
  }
}
