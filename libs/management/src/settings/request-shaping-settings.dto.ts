import { ApiHideProperty, ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsEmpty,
  IsIn,
  IsInt,
  IsNumber,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

const IfPresent = (): PropertyDecorator => ValidateIf((_, value) => value !== undefined);
const IfNotNull = (): PropertyDecorator => ValidateIf((_, value) => value !== undefined && value !== null);

export class VisionFallthroughSettingsDto {
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      "The model that describes images for aliases with use_image_fallthrough whose target can't see them: an alias or direct/<provider>/<model>. null switches fallthrough off.",
    example: 'direct/openai/gpt-4o-mini',
  })
  @IfNotNull()
  @IsString()
  @MaxLength(300)
  descriptor_model!: string | null;

  @ApiProperty({ description: 'The instruction sent with each image to the descriptor model' })
  @IfPresent()
  @IsString()
  @MaxLength(4000)
  default_prompt!: string;
}

export class VisionFallthroughSettingsPatchDto extends PartialType(VisionFallthroughSettingsDto) {}

export class NativeCompactionSettingsDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'JSON arrays in older turns keep this many items' })
  @IfPresent()
  @IsInt()
  @Min(1)
  maxArrayItems?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'Strings in older turns keep this many characters' })
  @IfPresent()
  @IsInt()
  @Min(1)
  maxStringChars?: number;
}

/**
 * Compaction settings: global ones, or an alias's or provider's `compaction` object
 * overriding them (alias over provider over global, `native` field by field).
 */
export class CompactionSettingsDto {
  @ApiPropertyOptional({ description: 'Compact requests over the trigger' })
  @IfPresent()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({
    enum: ['native'],
    description:
      "native: cut long strings and arrays of older turns. The reference's headroom strategy (an external service) is refused: nothing here would apply it.",
  })
  @IfPresent()
  @IsIn(['native'], {
    message: "strategy must be 'native': the headroom strategy (an external compaction service) is not supported",
  })
  strategy?: 'native';

  @ApiPropertyOptional({
    minimum: 0,
    maximum: 1,
    description: "Compact above this share of the target's context window",
  })
  @IfPresent()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  triggerRatio?: number;

  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    minimum: 1,
    description: 'Compact above this many input tokens (instead of the ratio)',
  })
  @IfNotNull()
  @IsInt()
  @Min(1)
  absoluteTriggerTokens?: number | null;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: 'Never compact requests smaller than this' })
  @IfPresent()
  @IsInt()
  @Min(0)
  minTokens?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: 'The last turns kept whole' })
  @IfPresent()
  @IsInt()
  @Min(0)
  protectRecent?: number;

  @ApiPropertyOptional({ type: NativeCompactionSettingsDto })
  @IfPresent()
  @ValidateNested()
  @Type(() => NativeCompactionSettingsDto)
  native?: NativeCompactionSettingsDto;

  /** Refused rather than stored: nothing here would call the reference's headroom service. */
  @ApiHideProperty()
  @IsEmpty({ message: 'headroom is not supported: only the native compaction strategy is' })
  headroom?: never;
}

export class CacheClearResultDto {
  @ApiProperty({ enum: [true] }) success!: true;
  @ApiProperty() message!: string;
}
