import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsBoolean, IsOptional, IsString } from 'class-validator';
import { PageQueryDto } from '../common/page-query.dto';

/** Runtime-only trace capture targets (`GET/PATCH /v0/management/debug`). */
export class DebugStateDto {
  @ApiProperty({
    description: 'Admins: global capture. A limited key: whether its own requests are captured (globally or per key)',
  })
  enabled!: boolean;

  @ApiProperty({ description: 'Global capture is on' })
  enabledGlobal!: boolean;

  @ApiPropertyOptional({ description: 'Limited principals only: capture is on for this key' })
  enabledForKey?: boolean;

  @ApiPropertyOptional({ type: [String], description: 'Admins only: the same as `keys` (kept for older clients)' })
  enabledKeys?: string[];

  @ApiProperty({ type: [String], description: 'Key names whose requests are captured' })
  keys!: string[];

  @ApiProperty({ type: [String], description: 'Model aliases whose requests are captured' })
  aliases!: string[];

  @ApiProperty({
    type: [String],
    nullable: true,
    description: 'Provider slugs whose requests are captured; null when none',
  })
  providers!: string[] | null;
}

export class DebugStatePatchDto {
  @ApiPropertyOptional({ description: 'Global capture on or off' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({
    type: [String],
    nullable: true,
    description: 'Replace the key targets; null or [] clears them',
  })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  keys?: string[] | null;

  @ApiPropertyOptional({
    type: [String],
    nullable: true,
    description: 'Replace the alias targets; null or [] clears them',
  })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  aliases?: string[] | null;

  @ApiPropertyOptional({
    type: [String],
    nullable: true,
    description: 'Replace the provider targets; null or [] clears them',
  })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  providers?: string[] | null;
}

/** Paging of `GET /v0/management/debug/logs`. */
export class DebugLogListQueryDto extends PageQueryDto {}

export class DebugLogSummaryDto {
  @ApiProperty({ format: 'uuid' })
  requestId!: string;

  @ApiProperty({ description: 'Epoch ms' })
  createdAt!: number;
}

export class DebugLogListDto {
  @ApiProperty({ type: [DebugLogSummaryDto] })
  data!: DebugLogSummaryDto[];

  @ApiProperty()
  total!: number;

  @ApiProperty()
  limit!: number;

  @ApiProperty()
  offset!: number;
}

/** One upstream attempt as the trace saw it. */
export class DebugLogAttemptDto {
  @ApiProperty()
  provider!: string;

  @ApiProperty()
  model!: string;

  @ApiProperty()
  apiType!: string;

  @ApiProperty({ type: String, nullable: true, description: 'Upstream URL, credential parameters masked' })
  url!: string | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    nullable: true,
    description: 'Sent headers, credentials masked',
  })
  requestHeaders!: Record<string, string> | null;

  @ApiProperty({ description: 'The body sent upstream (JSON, or text when cut at the size limit)' })
  requestBody!: unknown;

  @ApiProperty({ type: Number, nullable: true })
  responseStatus!: number | null;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, nullable: true })
  responseHeaders!: Record<string, string> | null;

  @ApiProperty({ description: 'The upstream answer: JSON, or the raw SSE text of a stream (bounded)' })
  responseBody!: unknown;

  @ApiProperty({ type: String, nullable: true })
  error!: string | null;
}

/** A request's debug trace (the reference's DebugLog, plus each attempt). Secrets are masked. */
export class DebugLogDto {
  @ApiProperty({ format: 'uuid' })
  requestId!: string;

  @ApiProperty({ description: 'Epoch ms' })
  createdAt!: number;

  @ApiProperty({ type: String, nullable: true, description: 'The API key name' })
  apiKey!: string | null;

  @ApiProperty()
  alias!: string;

  @ApiProperty()
  incomingApiType!: string;

  @ApiProperty({ type: String, nullable: true, description: 'Provider of the last attempt' })
  provider!: string | null;

  @ApiProperty({ type: String, nullable: true })
  model!: string | null;

  @ApiProperty({ description: 'success, error, timeout or cancelled' })
  responseStatus!: string;

  @ApiProperty({ type: Number, nullable: true })
  httpStatus!: number | null;

  @ApiProperty({ type: String, nullable: true })
  error!: string | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: "The client's headers, credentials masked",
  })
  requestHeaders!: Record<string, string>;

  @ApiProperty({ description: 'The client request body as received' })
  rawRequest!: unknown;

  @ApiProperty({ description: 'The body sent to the (last) upstream' })
  transformedRequest!: unknown;

  @ApiProperty({ description: "The (last) upstream's answer; for a stream, its SSE text" })
  rawResponse!: unknown;

  @ApiProperty({ description: 'What the client received; for a stream, the SSE frames' })
  transformedResponse!: unknown;

  @ApiProperty({ type: [DebugLogAttemptDto] })
  attempts!: DebugLogAttemptDto[];
}

export class DebugToggleDto {
  @ApiProperty()
  @IsBoolean()
  enabled!: boolean;
}

export class DebugToggleResultDto {
  @ApiProperty()
  keyName!: string;

  @ApiProperty()
  enabled!: boolean;

  @ApiProperty()
  enabledGlobal!: boolean;
}

export class CaptureTraceOnErrorDto {
  @ApiProperty({ description: 'Capture and keep traces of failed requests even when no target is set' })
  @IsBoolean()
  enabled!: boolean;
}
