import {
  BadRequestException,
  Body,
  ConflictException,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { AdminKeyGuard } from '@plexus/auth';
import {
  LoginAnswerRefused,
  LoginSessionNotFound,
  LoginSessionsService,
  OAUTH_FLOWS,
  UnknownOAuthProvider,
  type LoginSessionView,
  type OAuthFlows,
} from '@plexus/oauth';
import { OAuthCredentialRepository, type OAuthCredentialRecord } from '@plexus/persistence';
import {
  OAuthCredentialDeletedDto,
  OAuthCredentialListDto,
  OAuthCredentialRefDto,
  OAuthCredentialStatusDto,
  OAuthModelListDto,
  OAuthProviderListDto,
  OAuthSessionAnswerDto,
  OAuthSessionCreateDto,
  OAuthSessionEnvelopeDto,
  PiModelListDto,
  PiProviderListDto,
  type OAuthCredentialDto,
} from './oauth.dto';
import { Audited } from '../audit/audited.decorator';

/** Subscription accounts: login sessions, stored credentials (never their tokens), the OAuth providers' models. */
@ApiTags('Management — OAuth')
@ApiSecurity('AdminKey')
@UseGuards(AdminKeyGuard)
@Controller('v0/management/oauth')
export class OAuthController {
  constructor(
    private readonly sessions: LoginSessionsService,
    private readonly credentials: OAuthCredentialRepository,
    @Inject(OAUTH_FLOWS) private readonly flows: OAuthFlows,
  ) {}

  @Get('providers')
  @ApiOperation({ summary: 'OAuth providers accounts can log in to' })
  @ApiOkResponse({ type: OAuthProviderListDto })
  async providers(): Promise<OAuthProviderListDto> {
    const data = await this.flows.providers();
    return { data, total: data.length };
  }

  @Post('sessions')
  @Audited()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Start a login for an account (supersedes a login of the same account under way); poll it until it ends',
  })
  @ApiOkResponse({ type: OAuthSessionEnvelopeDto })
  async start(@Body() body: OAuthSessionCreateDto): Promise<OAuthSessionEnvelopeDto> {
    try {
      return { data: await this.sessions.start(body.providerId, body.accountId) };
    } catch (error) {
      if (error instanceof UnknownOAuthProvider) throw new BadRequestException(error.message);
      throw error;
    }
  }

  @Get('sessions/:id')
  @ApiOperation({ summary: 'Poll a login session (sessions last 20 minutes)' })
  @ApiOkResponse({ type: OAuthSessionEnvelopeDto })
  session(@Param('id') id: string): OAuthSessionEnvelopeDto {
    return { data: this.onSession(() => this.sessions.get(id)) };
  }

  @Post('sessions/:id/prompt')
  @Audited()
  @HttpCode(200)
  @ApiOperation({ summary: "Answer the session's prompt (status awaiting_prompt)" })
  @ApiOkResponse({ type: OAuthSessionEnvelopeDto })
  prompt(@Param('id') id: string, @Body() body: OAuthSessionAnswerDto): OAuthSessionEnvelopeDto {
    return { data: this.onSession(() => this.sessions.answerPrompt(id, body.value)) };
  }

  @Post('sessions/:id/manual-code')
  @Audited()
  @HttpCode(200)
  @ApiOperation({ summary: 'Paste the code or redirect URL the provider showed (status awaiting_manual_code)' })
  @ApiOkResponse({ type: OAuthSessionEnvelopeDto })
  manualCode(@Param('id') id: string, @Body() body: OAuthSessionAnswerDto): OAuthSessionEnvelopeDto {
    return { data: this.onSession(() => this.sessions.answerManualCode(id, body.value)) };
  }

  @Post('sessions/:id/cancel')
  @Audited()
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a login session (its callback port is freed)' })
  @ApiOkResponse({ type: OAuthSessionEnvelopeDto })
  cancel(@Param('id') id: string): OAuthSessionEnvelopeDto {
    return { data: this.onSession(() => this.sessions.cancel(id)) };
  }

  @Get('credentials')
  @ApiOperation({ summary: 'Stored accounts with their status and token expiry (tokens are never shown)' })
  @ApiOkResponse({ type: OAuthCredentialListDto })
  async listCredentials(): Promise<OAuthCredentialListDto> {
    const data = (await this.credentials.list()).map(credentialView);
    return { data, total: data.length };
  }

  @Get('credentials/status')
  @ApiOperation({ summary: 'Whether an account is logged in and usable' })
  @ApiQuery({ name: 'providerId', type: String })
  @ApiQuery({ name: 'accountId', type: String })
  @ApiOkResponse({ type: OAuthCredentialStatusDto })
  async credentialStatus(
    @Query('providerId') providerId?: string,
    @Query('accountId') accountId?: string,
  ): Promise<OAuthCredentialStatusDto> {
    if (!providerId || !accountId) throw new BadRequestException('providerId and accountId are required');
    const record = await this.credentials.find(providerId, accountId);
    return { data: { ready: record?.status === 'ready' } };
  }

  @Delete('credentials')
  @Audited()
  @ApiOperation({ summary: "Delete an account's credential" })
  @ApiOkResponse({ type: OAuthCredentialDeletedDto })
  async deleteCredential(@Body() body: OAuthCredentialRefDto): Promise<OAuthCredentialDeletedDto> {
    if (!(await this.credentials.delete(body.providerId, body.accountId)))
      throw new NotFoundException(`No credential for ${body.providerId}/${body.accountId}`);
    return { data: { deleted: true } };
  }

  @Get('models')
  @ApiOperation({ summary: "An OAuth provider's models (pi-ai's static catalog)" })
  @ApiQuery({ name: 'providerId', type: String })
  @ApiOkResponse({ type: OAuthModelListDto })
  async models(@Query('providerId') providerId?: string): Promise<OAuthModelListDto> {
    if (!providerId) throw new BadRequestException('providerId is required');
    const models = await this.flows.catalogModels(providerId);
    return {
      data: models.map((model) => ({
        id: model.id,
        name: model.name,
        context_length: model.contextWindow,
        pricing: { prompt: perToken(model.cost.input), completion: perToken(model.cost.output) },
      })),
    };
  }

  private onSession(action: () => LoginSessionView): LoginSessionView {
    try {
      return action();
    } catch (error) {
      if (error instanceof LoginSessionNotFound) throw new NotFoundException(error.message);
      if (error instanceof LoginAnswerRefused) throw new ConflictException(error.message);
      throw error;
    }
  }
}

/** pi-ai's model catalog (every provider it knows, API-key ones too). */
@ApiTags('Management — PI (Plexus Internal)')
@ApiSecurity('AdminKey')
@UseGuards(AdminKeyGuard)
@Controller('v0/management/pi')
export class PiCatalogController {
  constructor(@Inject(OAUTH_FLOWS) private readonly flows: OAuthFlows) {}

  @Get('providers')
  @ApiOperation({ summary: "pi-ai's builtin provider ids" })
  @ApiOkResponse({ type: PiProviderListDto })
  async providers(): Promise<PiProviderListDto> {
    return { data: await this.flows.catalogProviders() };
  }

  @Get('models')
  @ApiOperation({ summary: "A pi-ai provider's builtin models, optionally filtered by ?q= on id or name" })
  @ApiQuery({ name: 'provider', type: String })
  @ApiQuery({ name: 'q', type: String, required: false })
  @ApiOkResponse({ type: PiModelListDto })
  async models(@Query('provider') provider?: string, @Query('q') q?: string): Promise<PiModelListDto> {
    if (!provider) throw new BadRequestException('provider is required');
    if (!(await this.flows.catalogProviders()).includes(provider))
      throw new BadRequestException(`Unknown pi-ai provider '${provider}'`);
    const needle = q?.toLowerCase() ?? '';
    const models = (await this.flows.catalogModels(provider)).filter(
      (model) => model.id.toLowerCase().includes(needle) || model.name.toLowerCase().includes(needle),
    );
    return { data: models.map((model) => ({ id: model.id, name: model.name, api: model.api, custom: false })) };
  }
}

function credentialView(record: OAuthCredentialRecord): OAuthCredentialDto {
  return {
    providerId: record.providerId,
    accountId: record.accountId,
    status: record.status,
    expiresAt: record.expiresAt?.toISOString() ?? null,
    lastRefreshAt: record.lastRefreshAt?.toISOString() ?? null,
    lastError: record.lastError,
    createdAt: record.createdAt.toISOString(),
  };
}

/** Dollars per million tokens as the per-token decimal string OpenRouter-style pricing uses. */
function perToken(perMillion: number): string {
  return String(perMillion / 1_000_000);
}
