import { Body, Controller, Delete, Get, Logger, Put, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Audited } from '../audit/audited.decorator';
import { ManagementApi } from '../common/management-api.decorator';
import { AdminKeyGuard } from '@plexus/auth';
import { LogJournal, RUNTIME_LOG_LEVELS, type RuntimeLogLevel } from '@plexus/usage';
import type { FastifyReply } from 'fastify';
import { map } from 'rxjs';
import { streamSse } from '../common/sse';
import { validateBody } from '../common/validation';
import {
  LoggingLevelStateDto,
  LoggingLevelUpdateDto,
  LogsRecentDto,
  LogsRecentQueryDto,
  ModuleFilterStateDto,
  ModuleFilterUpdateDto,
} from './logging.dto';
import { ApiQueryFrom } from '../common/api-query-from';

/** The runtime log level and the console's module filter (admin only; lost at restart). */
@ApiTags('Management — Logging')
@ManagementApi()
@UseGuards(AdminKeyGuard)
@Controller('v0/management/logging')
export class LoggingController {
  private readonly logger = new Logger('Logging');

  constructor(private readonly journal: LogJournal) {}

  @Get('level')
  @ApiOperation({ summary: 'The log level in force and the one LOG_LEVEL set at startup' })
  @ApiOkResponse({ type: LoggingLevelStateDto })
  level(): LoggingLevelStateDto {
    return this.levelState();
  }

  @Audited()
  @Put('level')
  @ApiOperation({ summary: 'Change the log level at once, until restart' })
  @ApiBody({ type: LoggingLevelUpdateDto })
  @ApiOkResponse({ type: LoggingLevelStateDto })
  setLevel(@Body() body: unknown): LoggingLevelStateDto {
    this.changeLevel(validateBody(LoggingLevelUpdateDto, body).level);
    return this.levelState();
  }

  @Audited()
  @Delete('level')
  @ApiOperation({ summary: 'Back to the startup level' })
  @ApiOkResponse({ type: LoggingLevelStateDto })
  resetLevel(): LoggingLevelStateDto {
    this.changeLevel(this.journal.startupLevel);
    return this.levelState();
  }

  @Get('modules')
  @ApiOperation({
    summary: 'Logger contexts the console prints (empty: all); the ring buffer and stream keep everything',
  })
  @ApiOkResponse({ type: ModuleFilterStateDto })
  modules(): ModuleFilterStateDto {
    return { modules: this.journal.modules };
  }

  @Audited()
  @Put('modules')
  @ApiOperation({ summary: 'Replace the console module filter ([] prints all)' })
  @ApiBody({ type: ModuleFilterUpdateDto })
  @ApiOkResponse({ type: ModuleFilterStateDto })
  setModules(@Body() body: unknown): ModuleFilterStateDto {
    this.journal.setModules(validateBody(ModuleFilterUpdateDto, body).modules);
    return { modules: this.journal.modules };
  }

  @Audited()
  @Delete('modules')
  @ApiOperation({ summary: 'Clear the console module filter' })
  @ApiOkResponse({ type: ModuleFilterStateDto })
  clearModules(): ModuleFilterStateDto {
    this.journal.setModules([]);
    return { modules: [] };
  }

  /** Said at warn, so the change is on record whatever the new level. */
  private changeLevel(level: RuntimeLogLevel): void {
    const previous = this.journal.level;
    this.journal.setLevel(level);
    this.logger.warn(`log level changed from ${previous} to ${level}`);
  }

  private levelState(): LoggingLevelStateDto {
    return {
      level: this.journal.level,
      startupLevel: this.journal.startupLevel,
      supportedLevels: [...RUNTIME_LOG_LEVELS],
      ephemeral: true,
    };
  }
}

/** The gateway's recent log lines (a ring buffer of 1000) and their live stream (admin only). */
@ApiTags('Events')
@ManagementApi()
@UseGuards(AdminKeyGuard)
@Controller('v0/system/logs')
export class SystemLogsController {
  constructor(private readonly journal: LogJournal) {}

  @Get('recent')
  @ApiOperation({ summary: 'Recent log entries at or above the level in force, newest first' })
  @ApiQueryFrom(LogsRecentQueryDto)
  @ApiOkResponse({ type: LogsRecentDto })
  recent(@Query() rawQuery: Record<string, unknown>): LogsRecentDto {
    const query = validateBody(LogsRecentQueryDto, rawQuery);
    const limit = query.limit ?? 100;
    const offset = query.offset ?? 0;
    return { ...this.journal.recent(limit, offset), limit, offset };
  }

  @Get('stream')
  @ApiOperation({ summary: 'New log entries as server-sent `syslog` events, with `ping` every 10 s' })
  @ApiProduces('text/event-stream')
  stream(@Res() reply: FastifyReply): void {
    streamSse(reply, this.journal.entries$.pipe(map((entry) => ({ event: 'syslog', data: entry }))));
  }
}
