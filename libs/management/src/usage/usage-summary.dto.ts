import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsIn, IsOptional } from 'class-validator';

export const SUMMARY_RANGES = ['hour', 'day', 'week', 'month', 'custom'] as const;
export type SummaryRange = (typeof SUMMARY_RANGES)[number];

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
}

export class UsageSeriesPointDto {
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

export class UsageStatsDto {
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

export class UsageSummaryDto {
  @ApiProperty({ enum: SUMMARY_RANGES }) range!: SummaryRange;
  @ApiProperty({ type: [UsageSeriesPointDto], description: 'Time buckets (UTC), oldest first' }) series!: UsageSeriesPointDto[];
  @ApiProperty({ type: UsageStatsDto, description: 'The last 7 days, whatever the range' }) stats!: UsageStatsDto;
  @ApiProperty({ type: UsageTodayDto, description: 'Since UTC midnight' }) today!: UsageTodayDto;
}
