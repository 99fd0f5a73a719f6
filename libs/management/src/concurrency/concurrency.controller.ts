import { Controller, Get, Query, Req, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ManagementApi } from '../common/management-api.decorator';
import { IsIn, IsISO8601, IsOptional } from 'class-validator';
import { AdminKeyGuard, AllowLimited, type ManagementRequest } from '@plexus/auth';
import { ConcurrencyRepository } from '@plexus/persistence';
import { validateBody, validationFailed } from '../common/validation';
import { InFlightRequests } from './in-flight-requests.service';

const RANGES = {
  hour: 60 * 60_000,
  day: 24 * 60 * 60_000,
  week: 7 * 24 * 60 * 60_000,
  month: 30 * 24 * 60 * 60_000,
} as const;
/** Buckets per timeline: fine enough to read, few enough to chart. */
const TARGET_BUCKETS = 60;
const MAX_BUCKETS = 100;

export class ConcurrencyQueryDto {
  @IsOptional() @IsIn(['live', 'timeline']) mode?: 'live' | 'timeline';
  @IsOptional() @IsIn(['hour', 'day', 'week', 'month', 'custom']) timeRange?:
    'hour' | 'day' | 'week' | 'month' | 'custom';
  @IsOptional() @IsIn(['provider', 'model']) groupBy?: 'provider' | 'model';
  @IsOptional() @IsISO8601() startDate?: string;
  @IsOptional() @IsISO8601() endDate?: string;
}

export class ConcurrencyEntryDto {
  @ApiProperty({ type: String, nullable: true }) provider!: string | null;
  @ApiProperty({ type: String, nullable: true }) model!: string | null;
  @ApiProperty() count!: number;
  @ApiProperty({ description: 'Epoch ms: the bucket start (timeline) or now (live)' }) timestamp!: number;
}

export class ConcurrencyDto {
  @ApiProperty({ type: [ConcurrencyEntryDto] }) data!: ConcurrencyEntryDto[];
  @ApiPropertyOptional({ description: 'Timeline bucket size in ms' }) bucketMs?: number;
}

/**
 * Request concurrency. `live`: the requests this replica serves now, per requested model
 * (the provider is not known until routing, so it is null). `timeline`: how many recorded
 * requests ran within each time bucket, per provider or model.
 */
@ApiTags('Management — Usage')
@ManagementApi()
@UseGuards(AdminKeyGuard)
@Controller('v0/management/concurrency')
export class ConcurrencyController {
  constructor(
    private readonly inFlight: InFlightRequests,
    private readonly history: ConcurrencyRepository,
  ) {}

  @Get()
  @AllowLimited()
  @ApiOperation({
    summary: 'Live in-flight requests or a timeline of concurrency buckets (an API key sees only its own)',
  })
  @ApiQuery({ name: 'mode', required: false, enum: ['live', 'timeline'] })
  @ApiQuery({ name: 'timeRange', required: false, enum: ['hour', 'day', 'week', 'month', 'custom'] })
  @ApiQuery({ name: 'groupBy', required: false, enum: ['provider', 'model'] })
  @ApiQuery({ name: 'startDate', required: false, type: String, description: 'ISO date-time; timeRange=custom' })
  @ApiQuery({ name: 'endDate', required: false, type: String, description: 'ISO date-time; timeRange=custom' })
  @ApiOkResponse({ type: ConcurrencyDto })
  async get(@Query() rawQuery: Record<string, unknown>, @Req() request: ManagementRequest): Promise<ConcurrencyDto> {
    const query = validateBody(ConcurrencyQueryDto, rawQuery);
    const principal = request.managementPrincipal;
    const apiKey = principal?.role === 'limited' ? principal.keyName : undefined;
    const now = Date.now();
    if ((query.mode ?? 'live') === 'live') {
      return {
        data: [...this.inFlight.countsByModel(apiKey, now)].map(([model, count]) => ({
          provider: null,
          model,
          count,
          timestamp: now,
        })),
      };
    }
    const { from, to } = window(query, now);
    const bucketMs = Math.max(60_000, Math.ceil((to - from) / TARGET_BUCKETS / 60_000) * 60_000);
    if ((to - from) / bucketMs > MAX_BUCKETS) {
      throw validationFailed([
        { path: ['startDate'], message: 'The range is too long for its buckets', code: 'too_long' },
      ]);
    }
    const groupBy = query.groupBy ?? 'provider';
    const rows = await this.history.timeline({
      from: new Date(from),
      to: new Date(to),
      bucketMs,
      groupBy,
      ...(apiKey !== undefined && { apiKey }),
    });
    return {
      bucketMs,
      data: rows.map((row) => ({
        provider: groupBy === 'provider' ? row.key : null,
        model: groupBy === 'model' ? row.key : null,
        count: row.count,
        timestamp: row.bucketStart.getTime(),
      })),
    };
  }
}

function window(query: ConcurrencyQueryDto, now: number): { from: number; to: number } {
  const range = query.timeRange ?? 'hour';
  if (range !== 'custom') return { from: now - RANGES[range], to: now };
  if (query.startDate === undefined || query.endDate === undefined) {
    throw validationFailed([
      { path: ['startDate'], message: 'timeRange=custom needs startDate and endDate', code: 'invalid_range' },
    ]);
  }
  const from = Date.parse(query.startDate);
  const to = Date.parse(query.endDate);
  if (!(to > from))
    throw validationFailed([{ path: ['endDate'], message: 'endDate must be after startDate', code: 'invalid_range' }]);
  return { from, to };
}
