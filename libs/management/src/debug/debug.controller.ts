import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
  Req,
  UseGuards,
} from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Audited } from '../audit/audited.decorator';
import { ManagementApi } from '../common/management-api.decorator';
import { AdminKeyGuard, AllowLimited, type ManagementRequest } from '@plexus/auth';
import { DebugLogRepository } from '@plexus/persistence';
import { DebugTraceService } from '@plexus/usage';
import { SuccessDto } from '../common/success.dto';
import { notFound, validateBody, validationFailed } from '../common/validation';
import {
  CaptureTraceOnErrorDto,
  DebugLogDto,
  DebugLogListDto,
  DebugLogListQueryDto,
  DebugStateDto,
  DebugStatePatchDto,
  DebugToggleDto,
  DebugToggleResultDto,
} from './debug.dto';
import { ApiQueryFrom } from '../common/api-query-from';

/** The key a limited principal is scoped to; undefined for the admin. */
function ownKey(request: ManagementRequest): string | undefined {
  const principal = request.managementPrincipal;
  return principal?.role === 'limited' ? principal.keyName : undefined;
}

/**
 * Debug traces: runtime-only capture targets and the stored traces. An API key sees only
 * its own traces and whether its own requests are captured.
 */
@ApiTags('Management — Debug')
@ManagementApi()
@UseGuards(AdminKeyGuard)
@Controller('v0/management/debug')
export class DebugController {
  constructor(
    private readonly traces: DebugTraceService,
    private readonly logs: DebugLogRepository,
  ) {}

  @Get()
  @AllowLimited()
  @ApiOperation({ summary: 'Trace capture targets (runtime only; DEBUG=true turns global capture on at boot)' })
  @ApiOkResponse({ type: DebugStateDto })
  state(@Req() request: ManagementRequest): DebugStateDto {
    const targets = this.traces.targets();
    const key = ownKey(request);
    const providers = targets.providers.length > 0 ? targets.providers : null;
    if (key === undefined) {
      return {
        enabled: targets.enabledGlobal,
        enabledGlobal: targets.enabledGlobal,
        enabledKeys: targets.keys,
        keys: targets.keys,
        aliases: targets.aliases,
        providers,
      };
    }
    const enabledForKey = this.traces.keyEnabled(key);
    return {
      enabled: targets.enabledGlobal || enabledForKey,
      enabledGlobal: targets.enabledGlobal,
      enabledForKey,
      keys: enabledForKey ? [key] : [],
      aliases: targets.aliases,
      providers,
    };
  }

  @Audited()
  @Patch()
  @ApiOperation({
    summary: 'Change the capture targets (admin only); each list given replaces the old one, null or [] clears it',
  })
  @ApiBody({ type: DebugStatePatchDto })
  @ApiOkResponse({ type: DebugStateDto })
  update(@Body() body: unknown): DebugStateDto {
    const dto = validateBody(DebugStatePatchDto, body);
    const given = body as Record<string, unknown>;
    const targets = this.traces.update({
      ...(dto.enabled !== undefined && { enabled: dto.enabled }),
      ...('keys' in given && { keys: dto.keys ?? null }),
      ...('aliases' in given && { aliases: dto.aliases ?? null }),
      ...('providers' in given && { providers: dto.providers ?? null }),
    });
    return {
      enabled: targets.enabledGlobal,
      enabledGlobal: targets.enabledGlobal,
      enabledKeys: targets.keys,
      keys: targets.keys,
      aliases: targets.aliases,
      providers: targets.providers.length > 0 ? targets.providers : null,
    };
  }

  @Get('logs')
  @AllowLimited()
  @ApiOperation({ summary: 'Stored traces, newest first (an API key sees only its own)' })
  @ApiQueryFrom(DebugLogListQueryDto)
  @ApiOkResponse({ type: DebugLogListDto })
  async list(@Query() rawQuery: Record<string, unknown>, @Req() request: ManagementRequest): Promise<DebugLogListDto> {
    const query = validateBody(DebugLogListQueryDto, rawQuery);
    const limit = query.limit ?? 50;
    const offset = query.offset ?? 0;
    const key = ownKey(request);
    const page = await this.logs.list({ limit, offset, ...(key !== undefined && { apiKey: key }) });
    return {
      data: page.rows.map((row) => ({ requestId: row.requestId, createdAt: row.createdAt.getTime() })),
      total: page.total,
      limit,
      offset,
    };
  }

  @Audited()
  @Delete('logs')
  @ApiOperation({ summary: 'Delete every stored trace (admin only)' })
  @ApiOkResponse({ type: SuccessDto })
  async deleteAll(): Promise<SuccessDto> {
    await this.logs.deleteAll();
    return { success: true };
  }

  @Get('logs/:requestId')
  @AllowLimited()
  @ApiOperation({ summary: "A request's trace by its request id (404 when absent or another key's)" })
  @ApiOkResponse({ type: DebugLogDto })
  async get(
    @Param('requestId', new ParseUUIDPipe()) requestId: string,
    @Req() request: ManagementRequest,
  ): Promise<DebugLogDto> {
    const record = await this.logs.find(requestId, ownKey(request));
    if (!record) throw notFound(`Debug log '${requestId}' not found`);
    return { ...(record.trace as unknown as DebugLogDto), createdAt: record.createdAt.getTime() };
  }

  @Audited()
  @Delete('logs/:requestId')
  @ApiOperation({ summary: 'Delete one stored trace (admin only)' })
  @ApiOkResponse({ type: SuccessDto })
  async delete(@Param('requestId', new ParseUUIDPipe()) requestId: string): Promise<SuccessDto> {
    if (!(await this.logs.delete(requestId))) throw notFound(`Debug log '${requestId}' not found`);
    return { success: true };
  }
}

/** Per-key capture: an API key turns tracing of its own requests on or off. */
@ApiTags('Management — Auth')
@ManagementApi()
@UseGuards(AdminKeyGuard)
@Controller('v0/management/self/debug')
export class SelfDebugController {
  constructor(private readonly traces: DebugTraceService) {}

  @Audited()
  @Post('toggle')
  @HttpCode(200)
  @AllowLimited()
  @ApiOperation({ summary: 'Turn trace capture for the calling key on or off; admins name a key with ?keyName=' })
  @ApiQuery({
    name: 'keyName',
    required: false,
    type: String,
    description: 'Required for the admin key: the key to toggle',
  })
  @ApiBody({ type: DebugToggleDto })
  @ApiOkResponse({ type: DebugToggleResultDto })
  toggle(
    @Req() request: ManagementRequest,
    @Body() body: unknown,
    @Query('keyName') keyName?: string | string[],
  ): DebugToggleResultDto {
    const { enabled } = validateBody(DebugToggleDto, body);
    const asked = Array.isArray(keyName) ? keyName[0] : keyName;
    const key = ownKey(request) ?? asked;
    if (key === undefined || key === '') {
      throw validationFailed([
        { path: ['keyName'], message: 'keyName is required when the admin key calls this route', code: 'required' },
      ]);
    }
    this.traces.setKey(key, enabled);
    return { keyName: key, enabled, enabledGlobal: this.traces.targets().enabledGlobal };
  }
}

/** Capture-on-error: trace every request, keep those that fail. */
@ApiTags('Management — Config')
@ManagementApi()
@UseGuards(AdminKeyGuard)
@Controller('v0/management/config/capture-trace-on-error')
export class CaptureTraceOnErrorController {
  constructor(private readonly traces: DebugTraceService) {}

  @Get()
  @ApiOperation({ summary: 'Whether failed requests are traced even when no capture target is set' })
  @ApiOkResponse({ type: CaptureTraceOnErrorDto })
  get(): CaptureTraceOnErrorDto {
    return { enabled: this.traces.captureOnError };
  }

  @Audited()
  @Patch()
  @ApiOperation({ summary: 'Turn capture-on-error on or off (stored in system settings)' })
  @ApiBody({ type: CaptureTraceOnErrorDto })
  @ApiOkResponse({ type: CaptureTraceOnErrorDto })
  async update(@Body() body: unknown): Promise<CaptureTraceOnErrorDto> {
    const { enabled } = validateBody(CaptureTraceOnErrorDto, body);
    return { enabled: await this.traces.setCaptureOnError(enabled) };
  }
}
