import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { parseDuration } from '@plexus/quota';
import {
  IsBoolean,
  IsIn,
  IsNumber,
  IsOptional,
  Max,
  Min,
  Validate,
  ValidateIf,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';

export const QUOTA_NAME = /^[a-z0-9][a-z0-9-_]{1,62}$/;
export const QUOTA_TYPES = ['rolling', 'daily', 'weekly', 'monthly'] as const;
export const LIMIT_TYPES = ['requests', 'tokens', 'cost'] as const;
/** The reference's scope fields: accepted only empty until scoped quotas reach routing. */
export const SCOPE_FIELDS = ['allowedProviders', 'excludedProviders', 'allowedModels', 'excludedModels'] as const;

@ValidatorConstraint({ name: 'duration' })
class IsDurationConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && parseDuration(value) !== null;
  }

  defaultMessage(): string {
    return 'duration must be a positive duration such as 30s, 5m, 1h, 2h30m or 1d';
  }
}

@ValidatorConstraint({ name: 'wholeLimit' })
class WholeLimitConstraint implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    const { limitType } = args.object as { limitType?: string };
    return limitType === 'cost' || (typeof value === 'number' && Number.isInteger(value));
  }

  defaultMessage(): string {
    return 'limit must be a whole number for requests and tokens quotas';
  }
}

@ValidatorConstraint({ name: 'unscoped' })
class UnscopedConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return value === undefined || value === null || (Array.isArray(value) && value.length === 0);
  }

  defaultMessage(args: ValidationArguments): string {
    return `${args.property}: scoped user quotas are not supported yet; a quota applies to every request of its keys`;
  }
}

/** The reference's UserQuotaDefinition. */
export class UserQuotaDefinitionDto {
  [field: string]: unknown;

  @ApiProperty({
    enum: QUOTA_TYPES,
    description:
      'rolling: a leaky bucket over `duration` (usage drains continuously at limit/duration); daily: resets 00:00 UTC; weekly: Monday 00:00 UTC; monthly: the 1st, 00:00 UTC',
  })
  @IsIn(QUOTA_TYPES)
  type!: (typeof QUOTA_TYPES)[number];

  @ApiProperty({
    enum: LIMIT_TYPES,
    description:
      'requests: 1 per request; tokens: input + cached + cache writes + output (reasoning included); cost: USD',
  })
  @IsIn(LIMIT_TYPES)
  limitType!: (typeof LIMIT_TYPES)[number];

  @ApiProperty({
    type: 'number',
    minimum: 0,
    exclusiveMinimum: true,
    description: 'Most usage per window; whole for requests and tokens, USD (fractions allowed) for cost',
  })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(Number.MIN_VALUE, { message: 'limit must be greater than 0' })
  @Validate(WholeLimitConstraint)
  limit!: number;

  @ApiPropertyOptional({
    example: '1h',
    description: 'Window of a rolling quota (30s, 5m, 1h, 2h30m, 1d); required for rolling, ignored otherwise',
  })
  @ValidateIf((object: UserQuotaDefinitionDto) => object.type === 'rolling')
  @Validate(IsDurationConstraint)
  duration?: string;

  @ApiPropertyOptional({
    type: 'number',
    minimum: 0,
    maximum: 1,
    exclusiveMinimum: true,
    exclusiveMaximum: true,
    description: 'Usage share from which answers carry x-plexus-quota-warning',
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(Number.MIN_VALUE, { message: 'warnAt must be greater than 0' })
  @Max(0.999999999, { message: 'warnAt must be less than 1' })
  warnAt?: number;

  @ApiPropertyOptional({ default: false, description: 'One bucket pooled by every key holding the quota' })
  @IsOptional()
  @IsBoolean()
  shared?: boolean;

  @ApiPropertyOptional({ type: [String], description: 'Not supported yet: must be empty' })
  @Validate(UnscopedConstraint)
  allowedProviders?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Not supported yet: must be empty' })
  @Validate(UnscopedConstraint)
  excludedProviders?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Not supported yet: must be empty' })
  @Validate(UnscopedConstraint)
  allowedModels?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Not supported yet: must be empty' })
  @Validate(UnscopedConstraint)
  excludedModels?: string[];
}

/** A definition as the API answers it. */
export class UserQuotaDefinitionViewDto {
  @ApiProperty({ enum: QUOTA_TYPES }) type!: (typeof QUOTA_TYPES)[number];
  @ApiProperty({ enum: LIMIT_TYPES }) limitType!: (typeof LIMIT_TYPES)[number];
  @ApiProperty({ type: 'number' }) limit!: number;
  @ApiPropertyOptional() duration?: string;
  @ApiPropertyOptional({ type: 'number' }) warnAt?: number;
  @ApiPropertyOptional() shared?: boolean;
  @ApiPropertyOptional({
    readOnly: true,
    description: 'From the declarative config file (PLEXUS_CONFIG): read-only here',
  })
  managed?: boolean;
}

export class UserQuotaNamedDto extends UserQuotaDefinitionViewDto {
  @ApiProperty() name!: string;
}

export class UserQuotaSaveResultDto {
  @ApiProperty({ enum: [true] }) success!: true;
  @ApiProperty() name!: string;
  @ApiProperty({ type: UserQuotaDefinitionViewDto }) quota!: UserQuotaDefinitionViewDto;
}

export class UserQuotaDeleteResultDto {
  @ApiProperty({ enum: [true] }) success!: true;
  @ApiProperty() name!: string;
  @ApiProperty() message!: string;
}

export class UserQuotaInUseDto {
  @ApiProperty({ enum: [false] }) success!: false;
  @ApiProperty({ enum: ['quota_in_use'] }) error!: 'quota_in_use';
  @ApiProperty() message!: string;
}
