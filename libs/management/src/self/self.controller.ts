import { Body, Controller, Get, HttpCode, Patch, Post, Query, Req, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Audited } from '../audit/audited.decorator';
import { ManagementApi } from '../common/management-api.decorator';
import { AdminKeyGuard, AllowLimited, hashSecret, type ManagementRequest } from '@plexus/auth';
import { ApiKeyRepository, ConfigChangeBus, type ApiKeyRecord } from '@plexus/persistence';
import { DebugTraceService } from '@plexus/usage';
import { randomBytes } from 'node:crypto';
import { conflict, notFound, validateBody, validationFailed } from '../common/validation';
import { SelfCommentDto, SelfCommentResultDto, SelfKeyQueryDto, SelfMeDto, SelfRotateResultDto } from './self.dto';

const KEY_NAME_QUERY = {
  name: 'keyName',
  required: false,
  type: String,
  description: 'Admin only: the key to act on; limited callers always act on their own key',
};

/**
 * An API key managing itself with its own secret (a limited principal): who am I, a new
 * secret, a comment. It can never reach another key: its own name comes from the
 * principal, and `?keyName=` counts only for admins.
 */
@ApiTags('Management — Auth')
@ManagementApi()
@UseGuards(AdminKeyGuard)
@AllowLimited()
@Controller('v0/management/self')
export class SelfController {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly bus: ConfigChangeBus,
    private readonly traces: DebugTraceService,
  ) {}

  @Get('me')
  @ApiOperation({
    summary: "Current principal's identity and scoping (admins: `{role:'admin'}`, or another key's with ?keyName=)",
  })
  @ApiQuery(KEY_NAME_QUERY)
  @ApiOkResponse({ type: SelfMeDto })
  async me(@Query() query: Record<string, unknown>, @Req() request: ManagementRequest): Promise<SelfMeDto> {
    const principal = request.managementPrincipal;
    const { keyName } = validateBody(SelfKeyQueryDto, query);
    if (principal?.role !== 'limited' && keyName === undefined) return { role: 'admin' };
    const record = await this.ownKey(request, keyName);
    return {
      role: 'limited',
      keyName: record.name,
      allowedProviders: record.policy.allowedProviders ?? [],
      allowRawPassthrough: record.policy.allowRawPassthrough ?? false,
      allowedModels: record.policy.allowedModels ?? [],
      quotaName: record.policy.quota ?? record.policy.quotas?.[0] ?? null,
      comment: record.comment,
      traceEnabled: this.traces.keyEnabled(record.name),
      traceEnabledGlobal: this.traces.targets().enabledGlobal,
    };
  }

  @Audited()
  @Post('rotate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Replace the key secret with a new `sk-<48 hex>`, returned once; the old secret stops working at once',
  })
  @ApiQuery(KEY_NAME_QUERY)
  @ApiOkResponse({ type: SelfRotateResultDto })
  async rotate(
    @Query() query: Record<string, unknown>,
    @Req() request: ManagementRequest,
  ): Promise<SelfRotateResultDto> {
    const record = changeable(await this.ownKey(request, validateBody(SelfKeyQueryDto, query).keyName));
    const secret = `sk-${randomBytes(24).toString('hex')}`;
    await this.keys.upsert({ ...record, secret, secretHash: hashSecret(secret) });
    await this.bus.publish('keys');
    return { keyName: record.name, secret, message: 'Store this secret now: it is not shown again.' };
  }

  @Audited()
  @Patch('comment')
  @ApiOperation({ summary: "Update the key's comment (null removes it)" })
  @ApiQuery(KEY_NAME_QUERY)
  @ApiBody({ type: SelfCommentDto })
  @ApiOkResponse({ type: SelfCommentResultDto })
  async comment(
    @Query() query: Record<string, unknown>,
    @Body() body: unknown,
    @Req() request: ManagementRequest,
  ): Promise<SelfCommentResultDto> {
    const record = changeable(await this.ownKey(request, validateBody(SelfKeyQueryDto, query).keyName));
    if (typeof body !== 'object' || body === null || !('comment' in body)) {
      throw validationFailed([
        { path: ['comment'], message: 'comment is required (a string, or null to remove it)', code: 'required' },
      ]);
    }
    const { comment } = validateBody(SelfCommentDto, body);
    await this.keys.upsert({ ...record, comment });
    return { success: true, keyName: record.name, comment };
  }

  /** A limited caller's own key, whatever it asked for; for an admin, the `?keyName=` key. */
  private async ownKey(request: ManagementRequest, keyName: string | undefined): Promise<ApiKeyRecord> {
    const principal = request.managementPrincipal;
    const name = principal?.role === 'limited' ? principal.keyName : keyName;
    if (name === undefined)
      throw validationFailed([
        { path: ['keyName'], message: 'Admins must name the key with ?keyName=', code: 'required' },
      ]);
    const record = await this.keys.findByName(name);
    if (!record) throw notFound(`API key '${name}' not found`);
    return record;
  }
}

/** A key from the declarative config file changes only there (its next apply would undo the change). */
function changeable(record: ApiKeyRecord): ApiKeyRecord {
  if (record.managed)
    throw conflict(`API key '${record.name}' is managed by the config file (PLEXUS_CONFIG): change it there`);
  return record;
}
