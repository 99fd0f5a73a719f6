import { Body, Controller, Get, Patch, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audited } from '../audit/audited.decorator';
import { ManagementApi } from '../common/management-api.decorator';
import { AdminKeyGuard } from '@plexus/auth';
import { SettingsService } from '@plexus/routing';
import { validateBody, validationFailed } from '../common/validation';
import {
  BackgroundExplorationSettingsDto,
  BackgroundExplorationSettingsPatchDto,
  CooldownSettingsDto,
  CooldownSettingsPatchDto,
  ExplorationRateSettingsDto,
  ExplorationRateSettingsPatchDto,
  FailoverSettingsDto,
  FailoverSettingsPatchDto,
  StallSettingsDto,
  StallSettingsPatchDto,
  TimeoutSettingsDto,
  TimeoutSettingsPatchDto,
} from './settings.dto';

/** The fields of `body` listed in `keys` that were given (absent ones keep their value). */
function given<T extends object, K extends keyof T>(body: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const picked: Partial<Pick<T, K>> = {};
  for (const key of keys) if (body[key] !== undefined) picked[key] = body[key];
  return picked;
}

/**
 * The typed global settings (`system_settings`). A PATCH changes only the fields it gives,
 * answers the whole section, and takes effect at once (and on the other replicas with
 * REDIS_URL).
 */
@ApiTags('Management — Config')
@ManagementApi()
@UseGuards(AdminKeyGuard)
@Controller('v0/management/config')
export class SettingsController {
  constructor(private readonly settings: SettingsService) {}

  @Get('cooldown')
  @ApiOperation({
    summary: 'Cooldown policy: min(maxMinutes, initialMinutes × 2^(n−1)) minutes after the n-th consecutive failure',
  })
  @ApiOkResponse({ type: CooldownSettingsDto })
  getCooldown(): CooldownSettingsDto {
    return this.settings.get('cooldown');
  }

  @Audited()
  @Patch('cooldown')
  @ApiOperation({ summary: 'Update the cooldown policy (maxMinutes must stay at least initialMinutes)' })
  @ApiBody({ type: CooldownSettingsPatchDto })
  @ApiOkResponse({ type: CooldownSettingsDto })
  async patchCooldown(@Body() body: unknown): Promise<CooldownSettingsDto> {
    const changes = given(validateBody(CooldownSettingsDto, body), ['initialMinutes', 'maxMinutes']);
    const next = { ...this.settings.get('cooldown'), ...changes };
    if (next.maxMinutes < next.initialMinutes) {
      throw validationFailed([
        {
          path: ['maxMinutes'],
          message: `maxMinutes (${next.maxMinutes}) must be at least initialMinutes (${next.initialMinutes})`,
          code: 'too_small',
        },
      ]);
    }
    return this.settings.patch('cooldown', changes);
  }

  @Get('failover')
  @ApiOperation({ summary: 'Failover policy: when a failed attempt moves on to the next target' })
  @ApiOkResponse({ type: FailoverSettingsDto })
  getFailover(): FailoverSettingsDto {
    return this.settings.get('failover');
  }

  @Audited()
  @Patch('failover')
  @ApiOperation({ summary: 'Update the failover policy' })
  @ApiBody({ type: FailoverSettingsPatchDto })
  @ApiOkResponse({ type: FailoverSettingsDto })
  async patchFailover(@Body() body: unknown): Promise<FailoverSettingsDto> {
    const dto = validateBody(FailoverSettingsDto, body);
    const changes = given(dto, ['enabled', 'retryableStatusCodes', 'retryableErrors', 'maxAttempts']);
    if (changes.retryableStatusCodes)
      changes.retryableStatusCodes = [...new Set(changes.retryableStatusCodes)].sort((a, b) => a - b);
    return this.settings.patch('failover', changes);
  }

  @Get('timeout')
  @ApiOperation({ summary: 'Default upstream timeout (a provider timeoutMs overrides it)' })
  @ApiOkResponse({ type: TimeoutSettingsDto })
  getTimeout(): TimeoutSettingsDto {
    return this.settings.get('timeout');
  }

  @Audited()
  @Patch('timeout')
  @ApiOperation({ summary: 'Update the default upstream timeout' })
  @ApiBody({ type: TimeoutSettingsPatchDto })
  @ApiOkResponse({ type: TimeoutSettingsDto })
  async patchTimeout(@Body() body: unknown): Promise<TimeoutSettingsDto> {
    return this.settings.patch('timeout', given(validateBody(TimeoutSettingsDto, body), ['defaultSeconds']));
  }

  @Get('stall')
  @ApiOperation({
    summary:
      'Stream stall detection: TTFB (ttfbBytes within ttfbSeconds) and throughput (minBytesPerSecond over windowSeconds after gracePeriodSeconds); providers override with stallTtfbMs, stallTtfbBytes, stallMinBps, stallWindowMs, stallGracePeriodMs',
  })
  @ApiOkResponse({ type: StallSettingsDto })
  getStall(): StallSettingsDto {
    return this.settings.get('stall');
  }

  @Audited()
  @Patch('stall')
  @ApiOperation({ summary: 'Update the stall detection thresholds (null switches a dimension off)' })
  @ApiBody({ type: StallSettingsPatchDto })
  @ApiOkResponse({ type: StallSettingsDto })
  async patchStall(@Body() body: unknown): Promise<StallSettingsDto> {
    const dto = validateBody(StallSettingsDto, body);
    return this.settings.patch(
      'stall',
      given(dto, [
        'ttfbSeconds',
        'ttfbBytes',
        'minBytesPerSecond',
        'windowSeconds',
        'gracePeriodSeconds',
        'stallCooldown',
      ]),
    );
  }

  @Get('exploration-rate')
  @ApiOperation({ summary: 'Exploration rates of the stats-driven selectors' })
  @ApiOkResponse({ type: ExplorationRateSettingsDto })
  getExplorationRate(): ExplorationRateSettingsDto {
    return explorationRates(this.settings.get('exploration'));
  }

  @Audited()
  @Patch('exploration-rate')
  @ApiOperation({ summary: 'Update the exploration rates' })
  @ApiBody({ type: ExplorationRateSettingsPatchDto })
  @ApiOkResponse({ type: ExplorationRateSettingsDto })
  async patchExplorationRate(@Body() body: unknown): Promise<ExplorationRateSettingsDto> {
    const dto = validateBody(ExplorationRateSettingsDto, body);
    const changes = given(dto, [
      'performanceExplorationRate',
      'latencyExplorationRate',
      'e2ePerformanceExplorationRate',
    ]);
    return explorationRates(await this.settings.patch('exploration', changes));
  }

  @Get('background-exploration')
  @ApiOperation({
    summary:
      'Background exploration: probes targets of latency/performance/e2e_performance groups whose stats are older than stalenessThresholdSeconds, workerConcurrency at a time',
  })
  @ApiOkResponse({ type: BackgroundExplorationSettingsDto })
  getBackgroundExploration(): BackgroundExplorationSettingsDto {
    return this.settings.get('backgroundExploration');
  }

  @Audited()
  @Patch('background-exploration')
  @ApiOperation({
    summary: 'Update the background exploration settings (while enabled, selectors do not explore on the request path)',
  })
  @ApiBody({ type: BackgroundExplorationSettingsPatchDto })
  @ApiOkResponse({ type: BackgroundExplorationSettingsDto })
  async patchBackgroundExploration(@Body() body: unknown): Promise<BackgroundExplorationSettingsDto> {
    const dto = validateBody(BackgroundExplorationSettingsDto, body);
    return this.settings.patch(
      'backgroundExploration',
      given(dto, ['enabled', 'stalenessThresholdSeconds', 'workerConcurrency']),
    );
  }
}

/** The latency and e2e rates fall back to the performance rate when unset. */
function explorationRates(values: {
  performanceExplorationRate: number;
  latencyExplorationRate?: number;
  e2ePerformanceExplorationRate?: number;
}): ExplorationRateSettingsDto {
  return {
    performanceExplorationRate: values.performanceExplorationRate,
    latencyExplorationRate: values.latencyExplorationRate ?? values.performanceExplorationRate,
    e2ePerformanceExplorationRate: values.e2ePerformanceExplorationRate ?? values.performanceExplorationRate,
  };
}
