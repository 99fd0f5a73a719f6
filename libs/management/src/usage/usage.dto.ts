import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDateString, IsIn, IsInt, IsOptional, IsString, Min } from 'class-validator';
import { PageQueryDto } from '../common/page-query.dto';

export const USAGE_SORT_FIELDS = [
  'date',
  'apiKey',
  'provider',
  'incomingModelAlias',
  'costTotal',
  'durationMs',
] as const;
export const USAGE_STATUSES = ['success', 'error', 'pending', 'cancelled', 'timeout', 'stall'] as const;

/** Filters, sorting, paging and projection of `GET /v0/management/usage`. */
export class UsageListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: USAGE_SORT_FIELDS, default: 'date' })
  @IsOptional()
  @IsIn(USAGE_SORT_FIELDS)
  sortBy?: (typeof USAGE_SORT_FIELDS)[number];

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  sortDir?: 'asc' | 'desc';

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsDateString()
  startDate?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsDateString()
  endDate?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() apiKey?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() attribution?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() incomingApiType?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() outgoingApiType?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() provider?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() incomingModelAlias?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() selectedModelName?: string;

  @ApiPropertyOptional({ enum: USAGE_STATUSES })
  @IsOptional()
  @IsIn(USAGE_STATUSES)
  responseStatus?: (typeof USAGE_STATUSES)[number];

  @ApiPropertyOptional({ type: 'integer', minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  minDurationMs?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  maxDurationMs?: number;

  @ApiPropertyOptional({ description: 'Comma-separated projection, e.g. requestId,date,tokensOutput' })
  @IsOptional()
  @IsString()
  fields?: string;
}

export class UsageDeleteQueryDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    description: 'Only delete records older than N days; omit to delete all',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  olderThanDays?: number;
}

export class UsageRecordDto {
  @ApiProperty({ format: 'uuid' }) requestId!: string;
  @ApiProperty({ format: 'date-time' }) date!: string;
  @ApiProperty({ description: 'Start, Unix epoch milliseconds' }) startTime!: number;
  @ApiProperty({ nullable: true, type: String }) clientRequestId!: string | null;
  @ApiProperty({ nullable: true, type: String }) sourceIp!: string | null;
  @ApiProperty({ nullable: true, type: String }) apiKey!: string | null;
  @ApiProperty({ nullable: true, type: String }) attribution!: string | null;
  @ApiProperty() incomingApiType!: string;
  @ApiProperty({ nullable: true, type: String }) outgoingApiType!: string | null;
  @ApiProperty({ nullable: true, type: String }) provider!: string | null;
  @ApiProperty() attemptCount!: number;
  @ApiProperty({ description: 'JSON array of attempts', nullable: true, type: String }) retryHistory!: string | null;
  @ApiProperty({ nullable: true, type: String }) incomingModelAlias!: string | null;
  @ApiProperty({ nullable: true, type: String }) selectedModelName!: string | null;
  @ApiProperty({ nullable: true, type: String }) finalAttemptProvider!: string | null;
  @ApiProperty({ nullable: true, type: String }) finalAttemptModel!: string | null;
  @ApiProperty({ nullable: true, type: String }) allAttemptedProviders!: string | null;
  @ApiProperty() tokensInput!: number;
  @ApiProperty() tokensOutput!: number;
  @ApiProperty() tokensReasoning!: number;
  @ApiProperty() tokensCached!: number;
  @ApiProperty() tokensCacheWrite!: number;
  @ApiProperty({ nullable: true, type: Number }) providerReportedCost!: number | null;
  @ApiProperty({ description: 'USD' }) costInput!: number;
  @ApiProperty({ description: 'USD' }) costOutput!: number;
  @ApiProperty({ description: 'USD' }) costCached!: number;
  @ApiProperty({ description: 'USD' }) costCacheWrite!: number;
  @ApiProperty({ description: 'USD' }) costTotal!: number;
  @ApiProperty({
    nullable: true,
    enum: ['default', 'simple', 'defined', 'per_request', 'openrouter', 'provider_reported'],
  })
  costSource!: string | null;
  @ApiProperty({ nullable: true, type: Number }) durationMs!: number | null;
  @ApiProperty({ nullable: true, type: Number }) ttftMs!: number | null;
  @ApiProperty({ nullable: true, type: Number }) tokensPerSec!: number | null;
  @ApiProperty() isStreamed!: boolean;
  @ApiProperty() isPassthrough!: boolean;
  @ApiProperty() responseStatus!: string;
  @ApiProperty({ nullable: true, type: Number }) httpStatus!: number | null;
  @ApiProperty({ nullable: true, type: String }) finishReason!: string | null;
  @ApiProperty({ nullable: true, type: String }) errorMessage!: string | null;
  @ApiProperty() clientDisconnected!: boolean;
  @ApiProperty({ description: "Images were described by the descriptor model for a target that can't see them" })
  isVisionFallthrough!: boolean;
  @ApiProperty({ nullable: true, type: String }) visionFallthroughModel!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Why images were left as sent (refused URL, failed descriptor); the request went on',
  })
  visionFallthroughError!: string | null;
  @ApiProperty({ description: 'A descriptor call made for the request parentRequestId' })
  isDescriptorRequest!: boolean;
  @ApiProperty({ nullable: true, type: String }) parentRequestId!: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Estimated input tokens before compaction' })
  compactionTokensBefore!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Estimated input tokens after compaction' })
  compactionTokensAfter!: number | null;
  @ApiProperty() hasError!: boolean;
  @ApiProperty({ description: 'A debug trace exists: GET /v0/management/debug/logs/{requestId}' }) hasDebug!: boolean;
}

export class UsageListDto {
  @ApiProperty({ type: [UsageRecordDto], description: 'Records, projected to `fields` when given' })
  data!: Array<Partial<UsageRecordDto>>;

  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class UsageDeleteResultDto {
  @ApiProperty({ enum: [true] }) success!: true;
  @ApiProperty() deleted!: number;
}
