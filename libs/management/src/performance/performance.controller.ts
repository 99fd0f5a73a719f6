import { Controller, Delete, Get, Query, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Audited } from '../audit/audited.decorator';
import { ManagementApi } from '../common/management-api.decorator';
import { AdminKeyGuard } from '@plexus/auth';
import { PerformanceStats, type TargetPerformanceEntry } from '@plexus/routing';
import { validationFailed } from '../common/validation';

/** The reference's PerformanceRow: recent TTFT and throughput of one provider model. */
export class PerformanceRowDto {
  @ApiProperty() provider!: string;
  @ApiProperty() model!: string;
  @ApiProperty({ nullable: true, type: Number }) avg_ttft_ms!: number | null;
  @ApiProperty({ nullable: true, type: Number }) min_ttft_ms!: number | null;
  @ApiProperty({ nullable: true, type: Number }) max_ttft_ms!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Output tokens per second after the first token' })
  avg_tokens_per_sec!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Output tokens per second of total duration' })
  avg_e2e_tokens_per_sec!: number | null;
  @ApiProperty({ description: 'Recent attempts held (at most 100)' }) sample_count!: number;
  @ApiProperty() success_count!: number;
  @ApiProperty() failure_count!: number;
  @ApiProperty({ description: 'Attempts in the last 24 hours' }) requests_last_24h!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'Epoch ms of the newest sample' }) last_updated!:
    number | null;
}

function rowOf(entry: TargetPerformanceEntry): PerformanceRowDto {
  return {
    provider: entry.provider,
    model: entry.model,
    avg_ttft_ms: entry.avgTtftMs,
    min_ttft_ms: entry.minTtftMs,
    max_ttft_ms: entry.maxTtftMs,
    avg_tokens_per_sec: entry.avgTokensPerSec,
    avg_e2e_tokens_per_sec: entry.avgE2eTokensPerSec,
    sample_count: entry.samples,
    success_count: entry.successes,
    failure_count: entry.failures,
    requests_last_24h: entry.requestsLast24h,
    last_updated: entry.lastUpdated,
  };
}

/** What the latency/performance selectors see, per provider model (this replica, in memory). */
@ApiTags('Management — Performance')
@ManagementApi()
@UseGuards(AdminKeyGuard)
@Controller('v0/management/performance')
export class PerformanceController {
  constructor(private readonly performance: PerformanceStats) {}

  @Get()
  @ApiOperation({ summary: 'Recent TTFT and tokens/s per provider model' })
  @ApiQuery({ name: 'provider', required: false })
  @ApiQuery({ name: 'model', required: false })
  @ApiOkResponse({ type: [PerformanceRowDto] })
  list(@Query('provider') provider?: string, @Query('model') model?: string): PerformanceRowDto[] {
    return this.performance
      .snapshot()
      .filter(
        (entry) =>
          (provider === undefined || entry.provider === provider) && (model === undefined || entry.model === model),
      )
      .map(rowOf);
  }

  @Audited()
  @Delete()
  @ApiOperation({ summary: "Forget a model's performance samples (optionally of one provider)" })
  @ApiQuery({ name: 'model', required: true })
  @ApiQuery({ name: 'provider', required: false })
  @ApiOkResponse({
    schema: { type: 'object', properties: { success: { type: 'boolean' }, model: { type: 'string' } } },
  })
  clear(@Query('model') model?: string, @Query('provider') provider?: string): { success: true; model: string } {
    if (!model) throw validationFailed([{ path: ['model'], message: 'model is required', code: 'required' }]);
    if (provider !== undefined) this.performance.clear(provider, model);
    else
      for (const entry of this.performance.snapshot())
        if (entry.model === model) this.performance.clear(entry.provider, model);
    return { success: true, model };
  }
}
