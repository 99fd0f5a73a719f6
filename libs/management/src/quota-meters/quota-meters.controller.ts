import { Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Audited } from '../audit/audited.decorator';
import { ManagementApi } from '../common/management-api.decorator';
import { AdminKeyGuard } from '@plexus/auth';
import { MeterSnapshotRepository, type MeterSnapshotRecord } from '@plexus/persistence';
import { MeterScheduler, MeterState, type CheckResult, type CheckerConfig, type CheckerState } from '@plexus/quota';
import { notFound, validationFailed } from '../common/validation';
import {
  QuotaCheckerSnapshotDto,
  QuotaCheckersDto,
  QuotaCheckerTypesDto,
  QuotaHistoryDto,
  type MeterDto,
  type QuotaSampleDto,
} from './quota-meter.dto';

const DAY_MS = 86_400_000;
const RELATIVE_SINCE = /^(\d{1,4})d$/;

function oauthOf(config: CheckerConfig): Pick<QuotaCheckerSnapshotDto, 'oauthAccountId' | 'oauthProvider'> {
  return {
    ...(config.oauthAccount !== undefined && { oauthAccountId: config.oauthAccount }),
    ...(config.oauthProvider !== undefined && { oauthProvider: config.oauthProvider }),
  };
}

function metersOf(config: CheckerConfig, result: CheckResult | null): MeterDto[] {
  return (result?.meters ?? []).map((meter) => ({ ...meter, exhaustionThreshold: config.maxUtilizationPercent }));
}

function snapshotOf(config: CheckerConfig, result: CheckResult | null): QuotaCheckerSnapshotDto {
  return {
    checkerId: config.checkerId,
    checkerType: config.type,
    provider: config.provider,
    ...oauthOf(config),
    success: result?.success ?? false,
    ...(result?.error !== undefined && { error: result.error }),
    checkedAt: result ? result.checkedAt.toISOString() : null,
    meters: metersOf(config, result),
  };
}

function sampleOf(row: MeterSnapshotRecord): QuotaSampleDto {
  return {
    ...row,
    id: row.id ?? 0,
    resetsAt: row.resetsAt ? row.resetsAt.toISOString() : null,
    checkedAt: row.checkedAt.toISOString(),
    createdAt: row.createdAt ? row.createdAt.toISOString() : null,
  };
}

/** `7d` (days back from now) or an ISO timestamp. */
function parseSince(since: string): Date {
  const relative = RELATIVE_SINCE.exec(since);
  const parsed = relative ? new Date(Date.now() - Number(relative[1]) * DAY_MS) : new Date(since);
  if (Number.isNaN(parsed.getTime())) {
    throw validationFailed([
      { path: ['since'], message: "since must be an ISO timestamp or a day count like '7d'", code: 'invalid_string' },
    ]);
  }
  return parsed;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The built-in provider quota checker types. */
@ApiTags('Management — Config')
@ManagementApi()
@UseGuards(AdminKeyGuard)
@Controller('v0/management/quota-checker-types')
export class QuotaCheckerTypesController {
  constructor(private readonly scheduler: MeterScheduler) {}

  @Get()
  @ApiOperation({ summary: 'Valid quota_checker.type values' })
  @ApiOkResponse({ type: QuotaCheckerTypesDto })
  types(): QuotaCheckerTypesDto {
    const types = this.scheduler.types().map((entry) => entry.type);
    return { types, count: types.length };
  }
}

/** Provider quota checkers: the catalog and every configured checker's last reading. */
@ApiTags('Management — Quotas (Provider)')
@ManagementApi()
@UseGuards(AdminKeyGuard)
@Controller('v0/management/quota-checkers')
export class QuotaCheckersController {
  constructor(
    private readonly scheduler: MeterScheduler,
    private readonly state: MeterState,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Known checker types and the status of each configured checker' })
  @ApiOkResponse({ type: QuotaCheckersDto })
  async list(): Promise<QuotaCheckersDto> {
    await this.scheduler.sync();
    return {
      knownTypes: this.scheduler.types(),
      configured: this.state.all().map(({ config, result }: CheckerState) => ({
        checkerId: config.checkerId,
        checkerType: config.type,
        displayName: config.displayName,
        pending: result === null,
        meters: metersOf(config, result),
        success: result?.success ?? false,
        ...(result?.error !== undefined && { error: result.error }),
        ...oauthOf(config),
      })),
    };
  }
}

/** Provider quota meter readings: latest, history, and a check on demand. */
@ApiTags('Management — Quotas (Provider)')
@ManagementApi()
@UseGuards(AdminKeyGuard)
@Controller('v0/management/quotas')
export class QuotaMetersController {
  constructor(
    private readonly scheduler: MeterScheduler,
    private readonly state: MeterState,
    private readonly snapshots: MeterSnapshotRepository,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The latest reading of every configured provider quota checker' })
  @ApiOkResponse({ type: [QuotaCheckerSnapshotDto] })
  async list(): Promise<QuotaCheckerSnapshotDto[]> {
    await this.scheduler.sync();
    return this.state.all().map(({ config, result }) => snapshotOf(config, result));
  }

  @Get(':checkerId')
  @ApiOperation({ summary: 'The latest reading of one checker' })
  @ApiParam({ name: 'checkerId', description: "quota_checker.id, else the provider's slug" })
  @ApiOkResponse({ type: QuotaCheckerSnapshotDto })
  @ApiNotFoundResponse({ description: 'No such checker' })
  async one(@Param('checkerId') checkerId: string): Promise<QuotaCheckerSnapshotDto> {
    await this.scheduler.sync();
    const state = this.state.get(checkerId);
    if (!state) throw notFound(`Quota checker '${checkerId}' not found`);
    return snapshotOf(state.config, state.result);
  }

  @Get(':checkerId/history')
  @ApiOperation({ summary: 'Stored readings of one checker, most recent first (kept 30 days)' })
  @ApiParam({ name: 'checkerId' })
  @ApiQuery({
    name: 'meterKey',
    required: false,
    type: String,
    description: 'Only this meter (e.g. balance, five_hour)',
  })
  @ApiQuery({ name: 'since', required: false, type: String, description: "ISO timestamp, or days back like '7d'" })
  @ApiOkResponse({ type: QuotaHistoryDto })
  async history(
    @Param('checkerId') checkerId: string,
    @Query('meterKey') meterKeyParam?: string | string[],
    @Query('since') sinceParam?: string | string[],
  ): Promise<QuotaHistoryDto> {
    const meterKey = first(meterKeyParam) || undefined;
    const sinceText = first(sinceParam) || undefined;
    const since = sinceText !== undefined ? parseSince(sinceText) : undefined;
    const rows = await this.snapshots.history({
      checkerId,
      ...(meterKey !== undefined && { meterKey }),
      ...(since !== undefined && { since }),
    });
    return {
      checkerId,
      meterKey: meterKey ?? null,
      since: since ? since.toISOString() : null,
      history: rows.map(sampleOf),
    };
  }

  @Audited()
  @Post(':checkerId/check')
  @HttpCode(200)
  @ApiOperation({ summary: 'Run one checker now and return its reading' })
  @ApiParam({ name: 'checkerId' })
  @ApiOkResponse({ type: QuotaCheckerSnapshotDto })
  @ApiNotFoundResponse({ description: 'No such checker' })
  async check(@Param('checkerId') checkerId: string): Promise<QuotaCheckerSnapshotDto> {
    const result = await this.scheduler.checkNow(checkerId);
    const state = this.state.get(checkerId);
    if (!result || !state) throw notFound(`Quota checker '${checkerId}' not found`);
    return snapshotOf(state.config, result);
  }
}
