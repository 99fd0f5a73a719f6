import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const STATUSES = ['ok', 'warning', 'critical', 'exhausted'];
const PERIOD_UNITS = ['minute', 'hour', 'day', 'week', 'month'];
const PERIOD_CYCLES = ['fixed', 'rolling'];

/** One quota dimension of a provider checker (the reference's Meter schema). */
export class MeterDto {
  @ApiProperty({ description: 'Stable id of the meter within its checker (e.g. balance, five_hour, daily)' })
  key!: string;

  @ApiProperty()
  label!: string;

  @ApiPropertyOptional()
  group?: string;

  @ApiPropertyOptional()
  scope?: string;

  @ApiProperty({ enum: ['balance', 'allowance'] })
  kind!: string;

  @ApiProperty({ description: 'usd, requests, tokens, percentage...' })
  unit!: string;

  @ApiPropertyOptional({ type: 'number', nullable: true })
  limit?: number | null;

  @ApiPropertyOptional({ type: 'number', nullable: true })
  used?: number | null;

  @ApiPropertyOptional({ type: 'number', nullable: true })
  remaining?: number | null;

  @ApiProperty({
    oneOf: [{ type: 'number' }, { type: 'string', enum: ['unknown', 'not_applicable'] }],
    description: 'A percentage, or why there is none',
  })
  utilizationPercent!: number | string;

  @ApiProperty({ enum: STATUSES })
  status!: string;

  @ApiPropertyOptional({ type: 'integer', nullable: true })
  periodValue?: number | null;

  @ApiPropertyOptional({ type: 'string', enum: PERIOD_UNITS, nullable: true })
  periodUnit?: string | null;

  @ApiPropertyOptional({ type: 'string', enum: PERIOD_CYCLES, nullable: true })
  periodCycle?: string | null;

  @ApiPropertyOptional({ type: 'string', format: 'date-time', nullable: true })
  resetsAt?: string | null;

  @ApiPropertyOptional({
    type: 'number',
    nullable: true,
    description: 'Utilisation at which routing skips the provider',
  })
  exhaustionThreshold?: number | null;
}

/** The latest reading of one checker (the reference's QuotaCheckerSnapshot). */
export class QuotaCheckerSnapshotDto {
  @ApiProperty({ description: "quota_checker.id, else the provider's slug" })
  checkerId!: string;

  @ApiProperty()
  checkerType!: string;

  @ApiProperty()
  provider!: string;

  @ApiPropertyOptional()
  oauthAccountId?: string;

  @ApiPropertyOptional()
  oauthProvider?: string;

  @ApiProperty()
  success!: boolean;

  @ApiPropertyOptional({ description: 'Why the last check failed' })
  error?: string;

  @ApiPropertyOptional({
    type: 'string',
    format: 'date-time',
    nullable: true,
    description: 'When it was read; null before the first check',
  })
  checkedAt?: string | null;

  @ApiProperty({ type: [MeterDto] })
  meters!: MeterDto[];
}

export class QuotaCheckerTypesDto {
  @ApiProperty({ type: [String] })
  types!: string[];

  @ApiProperty({ type: 'integer' })
  count!: number;
}

export class QuotaCheckerTypeDto {
  @ApiProperty()
  type!: string;

  @ApiProperty()
  displayName!: string;
}

export class ConfiguredQuotaCheckerDto {
  @ApiProperty()
  checkerId!: string;

  @ApiProperty()
  checkerType!: string;

  @ApiProperty({ description: "The provider's display name" })
  displayName!: string;

  @ApiProperty({ description: 'No check has finished yet' })
  pending!: boolean;

  @ApiProperty({ type: [MeterDto] })
  meters!: MeterDto[];

  @ApiProperty()
  success!: boolean;

  @ApiPropertyOptional()
  error?: string;

  @ApiPropertyOptional()
  oauthAccountId?: string;

  @ApiPropertyOptional()
  oauthProvider?: string;
}

export class QuotaCheckersDto {
  @ApiProperty({ type: [QuotaCheckerTypeDto] })
  knownTypes!: QuotaCheckerTypeDto[];

  @ApiProperty({ type: [ConfiguredQuotaCheckerDto] })
  configured!: ConfiguredQuotaCheckerDto[];
}

/** One stored `meter_snapshots` row (the reference's QuotaSample). */
export class QuotaSampleDto {
  @ApiProperty({ type: 'integer' })
  id!: number;

  @ApiProperty()
  checkerId!: string;

  @ApiProperty()
  checkerType!: string;

  @ApiProperty()
  provider!: string;

  @ApiProperty()
  meterKey!: string;

  @ApiProperty({ enum: ['balance', 'allowance'] })
  kind!: string;

  @ApiProperty()
  unit!: string;

  @ApiProperty()
  label!: string;

  @ApiProperty({ type: 'string', nullable: true })
  group!: string | null;

  @ApiProperty({ type: 'string', nullable: true })
  scope!: string | null;

  @ApiProperty({ type: 'number', nullable: true })
  limit!: number | null;

  @ApiProperty({ type: 'number', nullable: true })
  used!: number | null;

  @ApiProperty({ type: 'number', nullable: true })
  remaining!: number | null;

  @ApiProperty({ enum: ['reported', 'unknown', 'not_applicable'] })
  utilizationState!: string;

  @ApiProperty({ type: 'number', nullable: true })
  utilizationPercent!: number | null;

  @ApiProperty({ enum: STATUSES })
  status!: string;

  @ApiProperty({ type: 'integer', nullable: true })
  periodValue!: number | null;

  @ApiProperty({ type: 'string', enum: PERIOD_UNITS, nullable: true })
  periodUnit!: string | null;

  @ApiProperty({ type: 'string', enum: PERIOD_CYCLES, nullable: true })
  periodCycle!: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  resetsAt!: string | null;

  @ApiProperty()
  success!: boolean;

  @ApiProperty({ type: 'string', nullable: true })
  errorMessage!: string | null;

  @ApiProperty({ type: 'string', format: 'date-time' })
  checkedAt!: string;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  createdAt!: string | null;
}

export class QuotaHistoryDto {
  @ApiProperty()
  checkerId!: string;

  @ApiProperty({ type: 'string', nullable: true })
  meterKey!: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  since!: string | null;

  @ApiProperty({ type: [QuotaSampleDto] })
  history!: QuotaSampleDto[];
}
