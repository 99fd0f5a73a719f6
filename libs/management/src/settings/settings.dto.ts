import { ApiProperty, PartialType } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsNumber,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';

/**
 * Settings bodies are partial: an absent field keeps its value. `null` is a value, valid
 * only where the field is nullable (the stall thresholds).
 */
const IfPresent = (): PropertyDecorator => ValidateIf((_, value) => value !== undefined);
const IfNotNull = (): PropertyDecorator => ValidateIf((_, value) => value !== undefined && value !== null);

export class CooldownSettingsDto {
  @ApiProperty({
    type: 'number',
    format: 'float',
    minimum: 0.1,
    description: 'Cooldown after the first failure, in minutes (0.1 = 6 s)',
  })
  @IfPresent()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.1)
  initialMinutes!: number;

  @ApiProperty({
    type: 'number',
    format: 'float',
    minimum: 0.1,
    description: 'Cap of the doubling cooldown, in minutes; at least initialMinutes',
  })
  @IfPresent()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.1)
  maxMinutes!: number;
}

export class CooldownSettingsPatchDto extends PartialType(CooldownSettingsDto) {}

export class FailoverSettingsDto {
  @ApiProperty({ description: 'Whether a failed attempt moves on to the next target' })
  @IfPresent()
  @IsBoolean()
  enabled!: boolean;

  @ApiProperty({
    type: [Number],
    description: 'Upstream HTTP statuses that move on to the next target (402 always does; 413 and 422 never do)',
    example: [429, 500, 502, 503, 504],
  })
  @IfPresent()
  @IsArray()
  @ArrayMaxSize(600)
  @IsInt({ each: true })
  @Min(100, { each: true })
  @Max(599, { each: true })
  retryableStatusCodes!: number[];

  @ApiProperty({
    type: [String],
    description:
      'Transport error codes or messages (case-insensitive regular expressions) that move on to the next target',
    example: ['ECONNREFUSED', 'ETIMEDOUT'],
  })
  @IfPresent()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  retryableErrors!: string[];

  @ApiProperty({
    type: 'integer',
    minimum: 1,
    maximum: 100,
    description: 'Attempts per request, all targets together (Plexus extension)',
  })
  @IfPresent()
  @IsInt()
  @Min(1)
  @Max(100)
  maxAttempts!: number;
}

export class FailoverSettingsPatchDto extends PartialType(FailoverSettingsDto) {}

export class TimeoutSettingsDto {
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    maximum: 3600,
    description: 'Default upstream timeout in seconds (a provider timeoutMs overrides it)',
  })
  @IfPresent()
  @IsInt()
  @Min(1)
  @Max(3600)
  defaultSeconds!: number;
}

export class TimeoutSettingsPatchDto extends PartialType(TimeoutSettingsDto) {}

export class StallSettingsDto {
  @ApiProperty({
    type: 'integer',
    nullable: true,
    minimum: 5,
    maximum: 120,
    description: 'Max seconds to wait for the first ttfbBytes; null disables TTFB detection',
  })
  @IfNotNull()
  @IsInt()
  @Min(5)
  @Max(120)
  ttfbSeconds!: number | null;

  @ApiProperty({
    type: 'integer',
    minimum: 50,
    maximum: 10000,
    description: 'Bytes that must arrive within the TTFB window',
  })
  @IfPresent()
  @IsInt()
  @Min(50)
  @Max(10000)
  ttfbBytes!: number;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    minimum: 50,
    maximum: 5000,
    description: 'Minimum throughput; null disables throughput detection',
  })
  @IfNotNull()
  @IsInt()
  @Min(50)
  @Max(5000)
  minBytesPerSecond!: number | null;

  @ApiProperty({
    type: 'integer',
    minimum: 3,
    maximum: 30,
    description: 'Sliding window for the throughput measurement',
  })
  @IfPresent()
  @IsInt()
  @Min(3)
  @Max(30)
  windowSeconds!: number;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    maximum: 120,
    description: 'Delay after TTFB before throughput checks begin',
  })
  @IfPresent()
  @IsInt()
  @Min(0)
  @Max(120)
  gracePeriodSeconds!: number;

  @ApiProperty({
    description:
      "Stalls cool the target down for every provider (a provider's stall_cooldown does it for that provider)",
  })
  @IfPresent()
  @IsBoolean()
  stallCooldown!: boolean;
}

export class StallSettingsPatchDto extends PartialType(StallSettingsDto) {}

export class ExplorationRateSettingsDto {
  @ApiProperty({
    type: 'number',
    format: 'float',
    minimum: 0,
    maximum: 1,
    description: 'Exploration rate of the performance selector',
  })
  @IfPresent()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  performanceExplorationRate!: number;

  @ApiProperty({
    type: 'number',
    format: 'float',
    minimum: 0,
    maximum: 1,
    description: 'Exploration rate of the latency selector (defaults to performanceExplorationRate)',
  })
  @IfPresent()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  latencyExplorationRate!: number;

  @ApiProperty({
    type: 'number',
    format: 'float',
    minimum: 0,
    maximum: 1,
    description: 'Exploration rate of the e2e_performance selector (defaults to performanceExplorationRate)',
  })
  @IfPresent()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  e2ePerformanceExplorationRate!: number;
}

export class ExplorationRateSettingsPatchDto extends PartialType(ExplorationRateSettingsDto) {}

export class BackgroundExplorationSettingsDto {
  @ApiProperty({ description: 'Whether background exploration is active' })
  @IfPresent()
  @IsBoolean()
  enabled!: boolean;

  @ApiProperty({ type: 'integer', minimum: 1, description: 'Seconds before performance data is stale' })
  @IfPresent()
  @IsInt()
  @Min(1)
  stalenessThresholdSeconds!: number;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: 16, description: 'Parallel probe workers' })
  @IfPresent()
  @IsInt()
  @Min(1)
  @Max(16)
  workerConcurrency!: number;
}

export class BackgroundExplorationSettingsPatchDto extends PartialType(BackgroundExplorationSettingsDto) {}
