import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDateString, IsIn, IsInt, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';

export const SUMMARY_RANGES = ['hour', 'day', 'week', 'month', 'custom'] as const;
export type SummaryRange = (typeof SUMMARY_RANGES)[number];

export const SUMMARY_BUCKETS = ['minute', 'hour', 'day', 'week', 'month'] as const;
export type SummaryBucket = (typeof SUMMARY_BUCKETS)[number];

export class UsageSummaryQueryDto {
  @ApiPropertyOptional({ enum: SUMMARY_RANGES, default: 'day' })
  @IsOptional()
  @IsIn(SUMMARY_RANGES)
  range?: SummaryRange;

  @ApiPropertyOptional({ format: 'date-time', description: 'Required with range=custom' })
  @IsOptional()
  @IsDateString()
  startDate?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Required with range=custom' })
  @IsOptional()
  @IsDateString()
  endDate?: string;

  @ApiPropertyOptional({
    enum: SUMMARY_BUCKETS,
    description: "The series' bucket size; defaults to the range's (at most 10000 buckets)",
  })
  @IsOptional()
  @IsIn(SUMMARY_BUCKETS)
  bucket?: SummaryBucket;

  @ApiPropertyOptional({ description: "Only this API key's requests (admin; an API key always sees only its own)" })
  @IsOptional()
  @IsString()
  @MinLength(1)
  apiKey?: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 100,
    default: 10,
    description: 'Rows in each breakdown (byAlias, byProvider, byKey, byAttribution, topModels)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

/**
 * Latency percentiles (continuous, computed in PostgreSQL) over the successful requests only, so
 * duration and TTFT describe the same requests and a TTFT percentile never exceeds the duration one.
 * TTFT is when the first output arrived (for a non-streamed answer, the whole answer); null without any.
 */
export class UsageLatencyDto {
  @ApiProperty({ nullable: true, type: Number }) p50DurationMs!: number | null;
  @ApiProperty({ nullable: true, type: Number }) p95DurationMs!: number | null;
  @ApiProperty({ nullable: true, type: Number }) p99DurationMs!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Time to first token' }) p50TtftMs!: number | null;
  @ApiProperty({ nullable: true, type: Number }) p95TtftMs!: number | null;
  @ApiProperty({ nullable: true, type: Number }) p99TtftMs!: number | null;
}

export class UsageSeriesPointDto extends UsageLatencyDto {
  @ApiProperty() bucketStartMs!: number;
  @ApiProperty() requests!: number;
  @ApiProperty() inputTokens!: number;
  @ApiProperty() outputTokens!: number;
  @ApiProperty() cachedTokens!: number;
  @ApiProperty() cacheWriteTokens!: number;
  @ApiProperty() reasoningTokens!: number;
  @ApiProperty() errors!: number;
  @ApiProperty({ description: 'input + output + cached + cache write' }) tokens!: number;
  @ApiProperty({ description: 'USD' }) cost!: number;
}

export class UsageStatsDto extends UsageLatencyDto {
  @ApiProperty() totalRequests!: number;
  @ApiProperty() totalTokens!: number;
  @ApiProperty() totalErrors!: number;
  @ApiProperty() avgDurationMs!: number;
  @ApiProperty() totalDurationMs!: number;
  @ApiProperty({ description: 'USD' }) totalCost!: number;
}

export class UsageTodayDto {
  @ApiProperty() requests!: number;
  @ApiProperty() inputTokens!: number;
  @ApiProperty() outputTokens!: number;
  @ApiProperty() reasoningTokens!: number;
  @ApiProperty() cachedTokens!: number;
  @ApiProperty() cacheWriteTokens!: number;
  @ApiProperty() errors!: number;
  @ApiProperty({ description: 'USD' }) totalCost!: number;
}

/** One alias, provider, key or provider model over the range's window. */
export class UsageBreakdownRowDto extends UsageLatencyDto {
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The alias, provider, key or model; null for requests that had none',
  })
  name!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: "The model's provider (topModels only)" })
  provider?: string | null;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description:
      'The attribution (the `:label` suffix the key was used with; null without one), byAttribution only, where `name` is the key',
  })
  attribution?: string | null;
  @ApiProperty() requests!: number;
  @ApiProperty() inputTokens!: number;
  @ApiProperty() outputTokens!: number;
  @ApiProperty() cachedTokens!: number;
  @ApiProperty() cacheWriteTokens!: number;
  @ApiProperty() reasoningTokens!: number;
  @ApiProperty({ description: 'input + output + cached + cache write' }) tokens!: number;
  @ApiProperty() errors!: number;
  @ApiProperty({ description: 'USD' }) cost!: number;
  @ApiProperty() avgDurationMs!: number;
}

export class UsageSummaryDto {
  @ApiProperty({ enum: SUMMARY_RANGES }) range!: SummaryRange;
  @ApiProperty({ enum: SUMMARY_BUCKETS, description: "The series' bucket size" }) bucket!: SummaryBucket;
  @ApiProperty({ type: [UsageSeriesPointDto], description: 'Time buckets (UTC), oldest first' })
  series!: UsageSeriesPointDto[];
  @ApiProperty({ type: UsageStatsDto, description: 'The last 7 days, whatever the range' }) stats!: UsageStatsDto;
  @ApiProperty({ type: UsageTodayDto, description: 'Since UTC midnight' }) today!: UsageTodayDto;
  @ApiProperty({ type: [UsageBreakdownRowDto], description: "Per alias over the range's window, most requests first" })
  byAlias!: UsageBreakdownRowDto[];
  @ApiProperty({ type: [UsageBreakdownRowDto], description: "Per provider over the range's window" })
  byProvider!: UsageBreakdownRowDto[];
  @ApiProperty({
    type: [UsageBreakdownRowDto],
    description: "Per API key over the range's window (an API key sees only its own)",
  })
  byKey!: UsageBreakdownRowDto[];
  @ApiProperty({
    type: [UsageBreakdownRowDto],
    description:
      "Per API key and attribution over the range's window: `name` is the key, `attribution` its `:label` suffix (null for requests without one)",
  })
  byAttribution!: UsageBreakdownRowDto[];
  @ApiProperty({
    type: [UsageBreakdownRowDto],
    description: "Provider models with the most requests over the range's window",
  })
  topModels!: UsageBreakdownRowDto[];
}
