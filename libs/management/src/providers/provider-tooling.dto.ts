import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, IsUrl } from 'class-validator';
import { API_FORMATS, type ApiFormat } from '@plexus/core';

/** The API types the reference's test endpoint names; those we can't probe are refused with 400. */
export const TEST_API_TYPES = [
  'chat',
  'messages',
  'gemini',
  'responses',
  'completions',
  'embeddings',
  'images',
  'speech',
  'oauth',
  'transcriptions',
] as const;

export class FetchModelsRequestDto {
  @ApiPropertyOptional({
    format: 'uri',
    description:
      'An upstream base URL (as in api_base_url), or an OpenAI-style `…/models` URL. Loopback and cloud metadata addresses are refused. Give this or `provider`.',
  })
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  url?: string;

  @ApiPropertyOptional({ description: 'Key sent to `url` the way its API type expects (Bearer for OpenAI-style)' })
  @IsOptional()
  @IsString()
  apiKey?: string;

  @ApiPropertyOptional({
    description: "An existing provider's slug: its own base URL and key are used (extension of the reference)",
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  provider?: string;

  @ApiPropertyOptional({
    enum: API_FORMATS,
    description: "Which API's model listing to call (default: the provider's own type, else chat)",
  })
  @IsOptional()
  @IsIn(API_FORMATS)
  apiType?: ApiFormat;
}

export class UpstreamModelDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['model'] }) object!: 'model';
  @ApiPropertyOptional({ description: 'Unix seconds' }) created?: number;
  @ApiPropertyOptional() owned_by?: string;
  @ApiPropertyOptional() display_name?: string;
}

export class FetchModelsResultDto {
  @ApiProperty({ type: [UpstreamModelDto] }) data!: UpstreamModelDto[];
}

export class ProviderTestRequestDto {
  @ApiProperty({ example: 'openai', description: 'Provider slug' })
  @IsString()
  @IsNotEmpty()
  provider!: string;

  @ApiProperty({ example: 'gpt-4o', description: 'Model name at the provider' })
  @IsString()
  @IsNotEmpty()
  model!: string;

  @ApiPropertyOptional({
    enum: TEST_API_TYPES,
    description: "API type to use (default: the provider's own, chat when it speaks chat)",
  })
  @IsOptional()
  @IsIn(TEST_API_TYPES)
  apiType?: (typeof TEST_API_TYPES)[number];
}

export class ProviderTestResultDto {
  @ApiProperty() success!: boolean;
  @ApiProperty() durationMs!: number;
  @ApiProperty() apiType!: string;
  @ApiPropertyOptional({ description: 'Response text (truncated)' }) response?: string;
  @ApiPropertyOptional() error?: string;
}
