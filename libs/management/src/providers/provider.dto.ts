import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { CompactionSettingsDto } from '../settings/request-shaping-settings.dto';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsUrlOrUrlMap } from '../common/is-url-or-url-map.validator';
import { ProviderQuotaCheckerDto } from '../quota-meters/provider-quota-checker.dto';

/** Validates the field unless it is absent or null (the stall overrides: null has a meaning). */
const IfNotNull = (): PropertyDecorator => ValidateIf((_, value) => value !== undefined && value !== null);

export const RAW_PASSTHROUGH_AUTH_STYLES = ['bearer', 'x-api-key', 'x-goog-api-key'] as const;

/** `/raw/{provider}/*`: the provider's native API relayed untouched, for keys with allowRawPassthrough. */
export class ProviderRawPassthroughDto {
  @ApiProperty()
  @IsBoolean()
  enabled!: boolean;

  @ApiProperty({
    format: 'uri',
    description: 'HTTP(S) base URL (no query or fragment) the raw path is appended to; required when enabled',
  })
  @ValidateIf((config: ProviderRawPassthroughDto) => config.enabled === true)
  @IsString()
  @Matches(/^https?:\/\/[^\s?#]+$/i, { message: 'base_url must be an http(s) URL without query or fragment' })
  base_url!: string;

  @ApiPropertyOptional({
    enum: RAW_PASSTHROUGH_AUTH_STYLES,
    default: 'bearer',
    description: "How the provider's api_key is sent",
  })
  @IsOptional()
  @IsIn(RAW_PASSTHROUGH_AUTH_STYLES)
  auth?: (typeof RAW_PASSTHROUGH_AUTH_STYLES)[number];
}

/**
 * A provider as the reference's ProviderConfig. Fields Plexus validates are declared;
 * any other field is kept as given, so existing scripts' payloads round-trip.
 */
export class ProviderConfigDto {
  [field: string]: unknown;

  @ApiProperty({
    oneOf: [
      { type: 'string', format: 'uri' },
      { type: 'object', additionalProperties: { type: 'string' } },
    ],
    description: 'Base URL, or a map of API type (chat, messages, gemini, responses...) to URL',
  })
  @IsUrlOrUrlMap()
  api_base_url!: string | Record<string, string>;

  @ApiPropertyOptional({ description: 'Human-readable label' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  display_name?: string;

  @ApiPropertyOptional({ description: 'Upstream API key. Write-only: responses show it masked.', writeOnly: true })
  @IsOptional()
  @IsString()
  api_key?: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({
    oneOf: [
      { type: 'array', items: { type: 'string' } },
      { type: 'object', additionalProperties: { type: 'object' } },
    ],
    description: 'Model names, or a map of model name to its settings (pricing, access_via, extraBody...)',
  })
  @IsOptional()
  @ValidateIf((_, value) => !Array.isArray(value))
  @IsObject({ message: 'models must be an array of model names or an object keyed by model name' })
  models?: string[] | Record<string, Record<string, unknown>>;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description:
      'Added to every upstream call. The values are secrets: encrypted at rest, shown masked; a masked value sent back keeps the stored one',
  })
  @IsOptional()
  @IsObject()
  headers?: Record<string, string>;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  extraBody?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'Upstream timeout in milliseconds', minimum: 1000, maximum: 3_600_000 })
  @IsOptional()
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  timeoutMs?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 1 })
  @IsOptional()
  @Min(0)
  @Max(1)
  discount?: number;

  @ApiPropertyOptional({
    type: CompactionSettingsDto,
    description: "Overrides of the compaction settings for this provider's targets (an alias's own win)",
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => CompactionSettingsDto)
  compaction?: CompactionSettingsDto;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  disable_cooldown?: boolean;

  @ApiPropertyOptional({ default: false, description: 'Stalls cool this provider down (see /config/stall)' })
  @IsOptional()
  @IsBoolean()
  stall_cooldown?: boolean;

  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    minimum: 5000,
    maximum: 120_000,
    description: 'TTFB stall timeout in ms; null disables TTFB stall detection; absent inherits /config/stall',
  })
  @IfNotNull()
  @IsInt()
  @Min(5000)
  @Max(120_000)
  stallTtfbMs?: number | null;

  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    minimum: 50,
    maximum: 10_000,
    description: 'Bytes that must arrive within the TTFB timeout; absent or null inherits',
  })
  @IfNotNull()
  @IsInt()
  @Min(50)
  @Max(10_000)
  stallTtfbBytes?: number | null;

  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    minimum: 50,
    maximum: 5000,
    description: 'Minimum throughput in bytes/s; null disables throughput stall detection; absent inherits',
  })
  @IfNotNull()
  @IsInt()
  @Min(50)
  @Max(5000)
  stallMinBps?: number | null;

  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    minimum: 3000,
    maximum: 30_000,
    description: 'Throughput window in ms; absent or null inherits',
  })
  @IfNotNull()
  @IsInt()
  @Min(3000)
  @Max(30_000)
  stallWindowMs?: number | null;

  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    minimum: 0,
    maximum: 120_000,
    description: 'Grace period in ms before throughput is enforced; absent or null inherits',
  })
  @IfNotNull()
  @IsInt()
  @Min(0)
  @Max(120_000)
  stallGracePeriodMs?: number | null;

  @ApiPropertyOptional({
    type: ProviderQuotaCheckerDto,
    description:
      "Polls the upstream's balance or rate-limit windows; routing skips the provider while it is over quota",
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => ProviderQuotaCheckerDto)
  quota_checker?: ProviderQuotaCheckerDto;

  @ApiPropertyOptional({ type: ProviderRawPassthroughDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ProviderRawPassthroughDto)
  raw_passthrough?: ProviderRawPassthroughDto;

  @ApiPropertyOptional({
    default: false,
    description: 'Route to the provider until its quota is 100% used (default: skip it at 99%)',
  })
  @IsOptional()
  @IsBoolean()
  allow_100_percent_utilization?: boolean;
  @ApiPropertyOptional({
    readOnly: true,
    description:
      'Set on objects from the declarative config file (PLEXUS_CONFIG): the API refuses to change them (409)',
  })
  managed?: boolean;
}

export class SaveSlugResultDto {
  @ApiProperty({ enum: [true] })
  success!: true;

  @ApiProperty()
  slug!: string;
}

export class ProviderDeleteResultDto {
  @ApiProperty({ enum: [true] })
  success!: true;

  @ApiProperty()
  provider!: string;

  @ApiPropertyOptional({ type: [String] })
  removedTargets?: string[];

  @ApiPropertyOptional({ type: [String] })
  affectedAliases?: string[];
}
