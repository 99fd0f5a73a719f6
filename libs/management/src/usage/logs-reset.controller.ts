import { Controller, Delete, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Audited } from '../audit/audited.decorator';
import { ManagementApi } from '../common/management-api.decorator';
import { AdminKeyGuard } from '@plexus/auth';
import { DebugLogRepository, UsageRepository } from '@plexus/persistence';

export class LogsResetResultDto {
  @ApiProperty({ example: true }) success!: boolean;
  @ApiProperty({ example: 'All logs have been reset successfully' }) message!: string;
}

/** Wipes the request logs (usage, and so the errors, which are failed usage records) and debug traces. */
@ApiTags('Management — Backup')
@ManagementApi()
@UseGuards(AdminKeyGuard)
@Controller('v0/management/logs')
export class LogsResetController {
  constructor(
    private readonly usage: UsageRepository,
    private readonly traces: DebugLogRepository,
  ) {}

  @Audited()
  @Delete('reset')
  @ApiOperation({
    summary: 'Reset all request logs, error logs, and debug trace logs (admin only)',
    description: 'Configuration, providers, aliases, keys and cooldowns stay untouched.',
  })
  @ApiOkResponse({ type: LogsResetResultDto })
  async reset(): Promise<LogsResetResultDto> {
    const [usage, traces] = await Promise.all([this.usage.deleteOlderThan(), this.traces.deleteAll()]);
    return { success: true, message: `All logs have been reset successfully (${usage} requests, ${traces} traces)` };
  }
}
