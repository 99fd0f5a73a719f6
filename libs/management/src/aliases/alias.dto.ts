import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { CompactionSettingsDto } from '../settings/request-shaping-settings.dto';
import {
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  ValidateNested,
} from 'class-validator';

export const SELECTORS = [
  'random',
  'in_order',
  'cost',
  'latency',
  'usage',
  'quota',
  'performance',
  'e2e_performance',
] as const;
export const ALIAS_TYPES = ['text', 'embeddings', 'transcriptions', 'speech', 'image'] as const;
export const ALIAS_PRIORITIES = ['selector', 'api_match'] as const;

export class AliasTargetDto {
  @ApiProperty({ description: 'Provider slug' })
  @IsString()
  @IsNotEmpty()
  provider!: string;

  @ApiProperty({ description: 'Model name at the provider' })
  @IsString()
  @IsNotEmpty()
  model!: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class AliasTargetGroupDto {
  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  name!: string;

  @ApiProperty({ enum: SELECTORS })
  @IsIn(SELECTORS)
  selector!: (typeof SELECTORS)[number];

  @ApiProperty({ type: [AliasTargetDto] })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => AliasTargetDto)
  targets!: AliasTargetDto[];
}

/** A model alias as the reference's AliasConfig; undeclared fields are kept as given. */
export class AliasConfigDto {
  [field: string]: unknown;

  @ApiProperty({ type: [AliasTargetGroupDto], minItems: 1 })
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => AliasTargetGroupDto)
  target_groups!: AliasTargetGroupDto[];

  @ApiPropertyOptional({ enum: ALIAS_TYPES, default: 'text' })
  @IsOptional()
  @IsIn(ALIAS_TYPES)
  type?: (typeof ALIAS_TYPES)[number];

  @ApiPropertyOptional({ enum: ALIAS_PRIORITIES, default: 'selector' })
  @IsOptional()
  @IsIn(ALIAS_PRIORITIES)
  priority?: (typeof ALIAS_PRIORITIES)[number];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  additional_aliases?: string[];

  @ApiPropertyOptional({
    default: false,
    description:
      "Targets that can't see images (by their model's input modalities; unknown counts as can't) get each image described by the vision fallthrough descriptor model instead",
  })
  @IsOptional()
  @IsBoolean()
  use_image_fallthrough?: boolean;

  @ApiPropertyOptional({
    default: false,
    description:
      "Skip targets whose context window can't hold the request's input plus its reserved output; when none can, 400 context_length_exceeded before any upstream call",
  })
  @IsOptional()
  @IsBoolean()
  enforce_limits?: boolean;

  @ApiPropertyOptional({
    type: CompactionSettingsDto,
    description: 'Overrides of the compaction settings for this alias',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => CompactionSettingsDto)
  compaction?: CompactionSettingsDto;

  @ApiPropertyOptional({
    readOnly: true,
    description:
      'Set on objects from the declarative config file (PLEXUS_CONFIG): the API refuses to change them (409)',
  })
  managed?: boolean;
}

export class AliasDeleteAllResultDto {
  @ApiProperty({ enum: [true] })
  success!: true;

  @ApiProperty({
    type: 'integer',
    description: 'How many aliases were deleted (config-file aliases are kept and not counted)',
  })
  deletedCount!: number;
}
