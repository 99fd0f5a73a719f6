import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { Audited } from '../audit/audited.decorator';
import { ManagementError, ManagementErrorCode } from '../common/management-error';
import { ManagementApi } from '../common/management-api.decorator';
import { AdminKeyGuard, AllowLimited, type ManagementRequest } from '@plexus/auth';
import {
  QuotaRecomputeError,
  QuotaRecomputeService,
  QuotaService,
  type KeyQuotaStatus,
  type QuotaStatusEntry,
} from '@plexus/quota';
import { notFound, validateBody, validationFailed } from '../common/validation';
import {
  QuotaClearDto,
  QuotaClearResultDto,
  QuotaRecomputeDto,
  QuotaRecomputeResultDto,
  QuotaStatusDto,
  QuotaStatusSelfDto,
} from './quota-status.dto';

/** The most constrained quota: the smallest share of its limit left. */
function headline(status: KeyQuotaStatus): QuotaStatusEntry | null {
  let best: QuotaStatusEntry | null = null;
  for (const entry of status.quotas) {
    if (!best || entry.remaining / entry.limit < best.remaining / best.limit) best = entry;
  }
  return best;
}

function allowed(status: KeyQuotaStatus): boolean {
  return status.quotas.every((entry) => entry.allowed);
}

/** A key's quota usage now, and resetting it. */
@ApiTags('Management — Quotas (User)')
@ManagementApi()
@UseGuards(AdminKeyGuard)
@Controller('v0/management/quota')
export class QuotaStatusController {
  constructor(
    private readonly quotas: QuotaService,
    private readonly recomputer: QuotaRecomputeService,
  ) {}

  @Get('status/:key')
  @ApiOperation({ summary: "A key's quota usage now (top-level fields: its most constrained quota)" })
  @ApiOkResponse({ type: QuotaStatusDto })
  async status(@Param('key') key: string): Promise<QuotaStatusDto> {
    const status = await this.quotas.status(key);
    if (!status) throw notFound(`API key '${key}' not found`);
    const top = headline(status);
    return {
      key,
      quota_name: top?.name ?? null,
      allowed: allowed(status),
      current_usage: top?.currentUsage ?? 0,
      limit: top?.limit ?? null,
      remaining: top?.remaining ?? null,
      resets_at: top?.resetsAt ?? null,
      quotas: status.quotas,
      concurrency: status.concurrency,
    };
  }

  @Audited()
  @Post('clear')
  @HttpCode(200)
  @ApiOperation({ summary: "Reset a key's quota usage to zero (all its quotas, or one)" })
  @ApiBody({ type: QuotaClearDto })
  @ApiOkResponse({ type: QuotaClearResultDto })
  async clear(@Body() body: unknown): Promise<QuotaClearResultDto> {
    const request = validateBody(QuotaClearDto, body);
    if (!(await this.quotas.clear(request.key, request.quota))) throw notFound(`API key '${request.key}' not found`);
    return {
      success: true,
      key: request.key,
      message:
        request.quota === undefined
          ? `Quota usage of '${request.key}' reset`
          : `Quota '${request.quota}' of '${request.key}' reset`,
    };
  }

  @Audited()
  @Post('recompute')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Recompute a quota bucket from request usage (admin only)',
    description:
      "Replaces the stored usage of one quota attached to the key with what its successful request usage records add up to in the current window (a shared quota: every key holding it). Rolling requests and tokens quotas are refused (400 unsupported_quota_type): their decay can't be rebuilt exactly.",
  })
  @ApiBody({ type: QuotaRecomputeDto })
  @ApiOkResponse({ type: QuotaRecomputeResultDto })
  @ApiBadRequestResponse({ description: 'Missing fields, unattached quota, or unsupported quota type' })
  @ApiNotFoundResponse({ description: 'API key not found' })
  async recompute(@Body() body: unknown): Promise<QuotaRecomputeResultDto> {
    const request = validateBody(QuotaRecomputeDto, body);
    try {
      const result = await this.recomputer.recompute(request.key, request.quota);
      return {
        success: true,
        key: request.key,
        quota: request.quota,
        usage: result.usage,
        windowStartMs: result.windowStartMs,
        message: `Quota '${request.quota}' of '${request.key}' recomputed from ${result.requests} successful request${result.requests === 1 ? '' : 's'}`,
      };
    } catch (error) {
      if (!(error instanceof QuotaRecomputeError)) throw error;
      if (error.reason === 'key_not_found') throw notFound(error.message);
      throw new ManagementError(ManagementErrorCode.INVALID_REQUEST, error.message, { type: error.reason });
    }
  }
}

/** The calling key's own quota status (an admin names the key with ?keyName=). */
@ApiTags('Management — Auth')
@ManagementApi()
@UseGuards(AdminKeyGuard)
@Controller('v0/management/self')
export class SelfQuotaController {
  constructor(private readonly quotas: QuotaService) {}

  @Get('quota')
  @AllowLimited()
  @ApiOperation({ summary: "The calling API key's quota status; admins name a key with ?keyName=" })
  @ApiQuery({ name: 'keyName', required: false, type: String, description: 'Admin only: the key to inspect' })
  @ApiOkResponse({ type: QuotaStatusSelfDto })
  async quota(
    @Req() request: ManagementRequest,
    @Query('keyName') keyName?: string | string[],
  ): Promise<QuotaStatusSelfDto> {
    const principal = request.managementPrincipal;
    const asked = Array.isArray(keyName) ? keyName[0] : keyName;
    const key = principal?.role === 'limited' ? principal.keyName : asked;
    if (key === undefined || key === '') {
      throw validationFailed([
        { path: ['keyName'], message: 'keyName is required when the admin key calls this route', code: 'required' },
      ]);
    }
    const status = await this.quotas.status(key);
    if (!status) throw notFound(`API key '${key}' not found`);
    const top = headline(status);
    return {
      key,
      quotaName: top?.name ?? null,
      allowed: allowed(status),
      currentUsage: top?.currentUsage ?? 0,
      limit: top?.limit ?? null,
      remaining: top?.remaining ?? null,
      resetsAt: top?.resetsAt ?? null,
      limitType: top?.limitType ?? null,
      quotas: status.quotas,
      concurrency: status.concurrency,
    };
  }
}
