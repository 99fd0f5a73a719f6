import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString } from 'class-validator';
import { LIMIT_TYPES, QUOTA_TYPES } from './user-quota.dto';

/** One quota of a key now (the reference's status entry). */
export class QuotaStatusEntryDto {
  @ApiProperty() name!: string;
  @ApiProperty({ enum: QUOTA_TYPES }) type!: (typeof QUOTA_TYPES)[number];
  @ApiProperty({ type: 'string', nullable: true, description: 'Window of a rolling quota' }) duration!: string | null;
  @ApiProperty({ enum: LIMIT_TYPES }) limitType!: (typeof LIMIT_TYPES)[number];
  @ApiProperty({ type: 'number' }) limit!: number;
  @ApiProperty({ type: 'number', description: 'Usage in the window now (a rolling bucket drains continuously)' })
  currentUsage!: number;
  @ApiProperty({ type: 'number', description: 'limit - currentUsage; negative after an overshoot' }) remaining!: number;
  @ApiProperty({ description: 'Whether this quota admits a request now' }) allowed!: boolean;
  @ApiProperty({
    format: 'date-time',
    description: 'When the usage is gone: the window end, or when a rolling bucket is empty',
  })
  resetsAt!: string;
  @ApiProperty() shared!: boolean;
  @ApiProperty({ type: 'number', nullable: true }) warnAt!: number | null;
  @ApiProperty({ enum: ['assigned'] }) source!: 'assigned';
}

export class QuotaConcurrencyDto {
  @ApiProperty({ type: 'integer', description: 'maxConcurrency of the key' }) limit!: number;
  @ApiProperty({ type: 'integer', description: 'Requests of the key in flight now' }) inFlight!: number;
}

/** The reference's QuotaStatus (its fields from the most constrained quota), plus every quota and the in-flight count. */
export class QuotaStatusDto {
  @ApiProperty() key!: string;
  @ApiProperty({ type: 'string', nullable: true }) quota_name!: string | null;
  @ApiProperty() allowed!: boolean;
  @ApiProperty({ type: 'number' }) current_usage!: number;
  @ApiProperty({ type: 'number', nullable: true }) limit!: number | null;
  @ApiProperty({ type: 'number', nullable: true }) remaining!: number | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) resets_at!: string | null;
  @ApiProperty({ type: [QuotaStatusEntryDto] }) quotas!: QuotaStatusEntryDto[];
  @ApiProperty({ type: QuotaConcurrencyDto, nullable: true }) concurrency!: QuotaConcurrencyDto | null;
}

/** The reference's QuotaStatusSelf, plus every quota and the in-flight count. */
export class QuotaStatusSelfDto {
  @ApiProperty() key!: string;
  @ApiProperty({ type: 'string', nullable: true }) quotaName!: string | null;
  @ApiProperty() allowed!: boolean;
  @ApiProperty({ type: 'number' }) currentUsage!: number;
  @ApiProperty({ type: 'number', nullable: true }) limit!: number | null;
  @ApiProperty({ type: 'number', nullable: true }) remaining!: number | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) resetsAt!: string | null;
  @ApiProperty({ type: 'string', enum: LIMIT_TYPES, nullable: true }) limitType!: (typeof LIMIT_TYPES)[number] | null;
  @ApiProperty({ type: [QuotaStatusEntryDto] }) quotas!: QuotaStatusEntryDto[];
  @ApiProperty({ type: QuotaConcurrencyDto, nullable: true }) concurrency!: QuotaConcurrencyDto | null;
}

export class QuotaClearDto {
  @ApiProperty({ description: 'The API key name to reset' })
  @IsString()
  @IsNotEmpty()
  key!: string;

  @ApiPropertyOptional({ description: 'Only this quota of the key (default: all of them)' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  quota?: string;
}

export class QuotaClearResultDto {
  @ApiProperty({ enum: [true] }) success!: true;
  @ApiProperty() key!: string;
  @ApiProperty() message!: string;
}

export class QuotaRecomputeDto {
  @ApiProperty({ description: 'API key name whose quota bucket should be repaired' })
  @IsString()
  @IsNotEmpty()
  key!: string;

  @ApiProperty({ description: 'Attached quota definition name to recompute' })
  @IsString()
  @IsNotEmpty()
  quota!: string;
}

export class QuotaRecomputeResultDto {
  @ApiProperty({ enum: [true] }) success!: true;
  @ApiProperty() key!: string;
  @ApiProperty() quota!: string;
  @ApiProperty({ type: 'number', description: 'The bucket usage rebuilt from successful request usage records' })
  usage!: number;
  @ApiProperty({
    type: 'integer',
    description: 'Where the rebuilt usage starts (epoch ms): the calendar window start, or one rolling duration ago',
  })
  windowStartMs!: number;
  @ApiProperty() message!: string;
}
