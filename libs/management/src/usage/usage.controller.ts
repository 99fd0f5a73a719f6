import { Controller, Delete, Get, Param, ParseUUIDPipe, Query, Req, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audited } from '../audit/audited.decorator';
import { ManagementApi } from '../common/management-api.decorator';
import { AdminKeyGuard, AllowLimited, type ManagementRequest } from '@plexus/auth';
import {
  DebugLogRepository,
  UsageRepository,
  type UsageBreakdownRow,
  type UsageDimension,
  type UsageQuery,
} from '@plexus/persistence';
import { notFound, validateBody, validationFailed } from '../common/validation';
import { SuccessDto } from '../common/success.dto';
import { UsageDeleteQueryDto, UsageDeleteResultDto, UsageListDto, UsageListQueryDto } from './usage.dto';
import { UsageSummaryDto, UsageSummaryQueryDto } from './usage-summary.dto';
import {
  MAX_BUCKETS,
  breakdownOf,
  bucketCount,
  seriesOf,
  statsOf,
  summaryWindow,
  todayOf,
  utcMidnight,
} from './usage-summary';
import { project, usageRecordOf } from './usage-record.mapper';
import { ApiQueryFrom } from '../common/api-query-from';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Request usage records: the request log. */
@ApiTags('Management — Usage')
@ManagementApi()
@UseGuards(AdminKeyGuard)
@Controller('v0/management/usage')
export class UsageController {
  constructor(
    private readonly usage: UsageRepository,
    private readonly debugLogs: DebugLogRepository,
  ) {}

  @Get()
  @AllowLimited()
  @ApiOperation({
    summary: 'Filtered, sorted, paged and optionally projected usage records (an API key sees only its own)',
  })
  @ApiQueryFrom(UsageListQueryDto)
  @ApiOkResponse({ type: UsageListDto })
  @ApiBadRequestResponse({ description: 'A query parameter is invalid: `{error, details:[{path, message, code}]}`' })
  async list(@Query() rawQuery: Record<string, unknown>, @Req() request: ManagementRequest): Promise<UsageListDto> {
    const query = { ...validateBody(UsageListQueryDto, rawQuery), ...ownKeyOnly(request) };
    const limit = query.limit ?? 50;
    const offset = query.offset ?? 0;
    const filters: UsageQuery = {
      limit,
      offset,
      sortBy: query.sortBy === 'date' || query.sortBy === undefined ? 'startTime' : query.sortBy,
      sortDir: query.sortDir === 'asc' ? 'ASC' : 'DESC',
      ...(query.startDate !== undefined && { startDate: new Date(query.startDate) }),
      ...(query.endDate !== undefined && { endDate: new Date(query.endDate) }),
      ...(query.apiKey !== undefined && { apiKey: query.apiKey }),
      ...(query.attribution !== undefined && { attribution: query.attribution }),
      ...(query.incomingApiType !== undefined && { incomingApiType: query.incomingApiType }),
      ...(query.outgoingApiType !== undefined && { outgoingApiType: query.outgoingApiType }),
      ...(query.provider !== undefined && { provider: query.provider }),
      ...(query.incomingModelAlias !== undefined && { incomingModelAlias: query.incomingModelAlias }),
      ...(query.selectedModelName !== undefined && { selectedModelName: query.selectedModelName }),
      ...(query.responseStatus !== undefined && { responseStatus: query.responseStatus }),
      ...(query.minDurationMs !== undefined && { minDurationMs: query.minDurationMs }),
      ...(query.maxDurationMs !== undefined && { maxDurationMs: query.maxDurationMs }),
    };
    const { rows, total } = await this.usage.find(filters);
    const traced = await this.debugLogs.existing(rows.map((row) => row.requestId));
    return {
      data: rows.map((row) => project(usageRecordOf(row, traced.has(row.requestId)), query.fields)),
      total,
      limit,
      offset,
    };
  }

  @Get('summary')
  @AllowLimited()
  @ApiOperation({
    summary:
      'Requests, tokens, cost, errors and latency percentiles (duration, TTFT) per time bucket (minute to month), the last 7 days and today (UTC), and per alias, provider, key, key and attribution, and top models; an API key sees only its own',
  })
  @ApiQueryFrom(UsageSummaryQueryDto)
  @ApiOkResponse({ type: UsageSummaryDto })
  @ApiBadRequestResponse({
    description: 'A query parameter is invalid, range=custom without its dates, or too many buckets',
  })
  async summary(
    @Query() rawQuery: Record<string, unknown>,
    @Req() request: ManagementRequest,
  ): Promise<UsageSummaryDto> {
    const query = validateBody(UsageSummaryQueryDto, rawQuery);
    const scope = { ...(query.apiKey !== undefined && { apiKey: query.apiKey }), ...ownKeyOnly(request) };
    const range = query.range ?? 'day';
    if (range === 'custom' && (query.startDate === undefined || query.endDate === undefined)) {
      throw validationFailed([
        { path: ['startDate'], message: 'range=custom needs startDate and endDate', code: 'invalid_range' },
      ]);
    }
    const now = new Date();
    const custom =
      range === 'custom'
        ? { from: new Date(query.startDate as string), to: new Date(query.endDate as string) }
        : undefined;
    const window = {
      ...summaryWindow(range, now, custom),
      ...(query.bucket !== undefined && { bucket: query.bucket }),
    };
    if (bucketCount(window, window.bucket) > MAX_BUCKETS) {
      throw validationFailed([
        {
          path: ['bucket'],
          message: `more than ${MAX_BUCKETS} ${window.bucket} buckets: choose a larger bucket or a shorter range`,
          code: 'too_many_buckets',
        },
      ]);
    }
    const weekWindow = { from: new Date(now.getTime() - 7 * DAY_MS), to: now, ...scope };
    const breakdown = (by: UsageDimension): Promise<UsageBreakdownRow[]> =>
      this.usage.breakdown({ from: window.from, to: window.to, by, limit: query.limit ?? 10, ...scope });
    const [series, week, weekTotals, today, byAlias, byProvider, byKey, byAttribution, topModels] = await Promise.all([
      this.usage.buckets({ ...window, ...scope }),
      this.usage.buckets({ ...weekWindow, bucket: 'day' }),
      this.usage.totals(weekWindow),
      this.usage.buckets({ from: utcMidnight(now), to: now, bucket: 'day', ...scope }),
      breakdown('alias'),
      breakdown('provider'),
      breakdown('key'),
      breakdown('attribution'),
      breakdown('model'),
    ]);
    return {
      range,
      bucket: window.bucket,
      series: seriesOf(series),
      stats: statsOf(week, weekTotals.latency),
      today: todayOf(today),
      byAlias: breakdownOf(byAlias),
      byProvider: breakdownOf(byProvider),
      byKey: breakdownOf(byKey),
      byAttribution: breakdownOf(byAttribution, 'attribution'),
      topModels: breakdownOf(topModels, 'provider'),
    };
  }

  @Audited()
  @Delete()
  @ApiOperation({ summary: 'Delete usage records, all or older than N days' })
  @ApiQueryFrom(UsageDeleteQueryDto)
  @ApiOkResponse({ type: UsageDeleteResultDto })
  @ApiBadRequestResponse({ description: 'olderThanDays is not a non-negative integer' })
  async deleteMany(@Query() rawQuery: Record<string, unknown>): Promise<UsageDeleteResultDto> {
    const { olderThanDays } = validateBody(UsageDeleteQueryDto, rawQuery);
    const cutoff = olderThanDays === undefined ? undefined : new Date(Date.now() - olderThanDays * DAY_MS);
    return { success: true, deleted: await this.usage.deleteOlderThan(cutoff) };
  }

  @Audited()
  @Delete(':requestId')
  @ApiOperation({ summary: 'Delete one usage record' })
  @ApiOkResponse({ type: SuccessDto })
  async deleteOne(@Param('requestId', new ParseUUIDPipe()) requestId: string): Promise<SuccessDto> {
    if (!(await this.usage.deleteById(requestId))) throw notFound(`Usage record '${requestId}' not found`);
    return { success: true };
  }
}

/** A limited principal (an API key) is scoped to its own records, whatever it asked for. */
function ownKeyOnly(request: ManagementRequest): { apiKey?: string } {
  const principal = request.managementPrincipal;
  return principal?.role === 'limited' ? { apiKey: principal.keyName } : {};
}
