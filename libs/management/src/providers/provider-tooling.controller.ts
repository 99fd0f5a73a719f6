import { Body, Controller, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audited } from '../audit/audited.decorator';
import { ManagementError, ManagementErrorCode } from '../common/management-error';
import { ManagementApi } from '../common/management-api.decorator';
import { AdminKeyGuard, IpRules } from '@plexus/auth';
import {
  ErrorCode,
  GatewayException,
  isApiFormat,
  PROVIDER_TOOLING,
  type ApiFormat,
  type ProviderProbe,
  type ProviderProbeOutcome,
  type ProviderTooling,
  type UpstreamEndpoint,
} from '@plexus/core';
import { ProviderRepository, type ProviderRecord } from '@plexus/persistence';
import { baseUrlFor, providerApiTypes } from '@plexus/routing';
import { UsageRecorder } from '@plexus/usage';
import { randomUUID } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { validateBody, validationFailed } from '../common/validation';
import {
  FetchModelsRequestDto,
  FetchModelsResultDto,
  ProviderTestRequestDto,
  ProviderTestResultDto,
} from './provider-tooling.dto';

const FETCH_TIMEOUT_MS = 10_000;
const PROBE_TIMEOUT_MS = 30_000;

/** Where a URL given by hand may never point: loopback, unspecified, link-local and cloud metadata addresses. */
const FORBIDDEN_ADDRESSES = IpRules.parse([
  '127.0.0.0/8',
  '0.0.0.0/8',
  '::1',
  '::',
  '169.254.0.0/16',
  'fe80::/10',
  'fd00:ec2::254',
  '100.100.100.200',
]);
const FORBIDDEN_HOSTS = new Set(['localhost', 'metadata', 'metadata.google.internal']);

/**
 * Provider tooling for the console: an upstream's model list, and one tiny request to a
 * provider model. Both go through the provider adapters (bound as PROVIDER_TOOLING).
 */
@ApiTags('Management — Providers')
@ManagementApi()
@UseGuards(AdminKeyGuard)
@Controller('v0/management')
export class ProviderToolingController {
  constructor(
    private readonly providers: ProviderRepository,
    @Inject(PROVIDER_TOOLING) private readonly tooling: ProviderTooling,
    private readonly usage: UsageRecorder,
  ) {}

  @Audited()
  @Post('providers/fetch-models')
  @HttpCode(200)
  @ApiOperation({
    summary: "Fetch an upstream's model list (admin only)",
    description:
      "From a URL (with an optional key) or an existing provider's slug, through the listing of its API type: OpenAI `GET /models` (or Ollama's), Anthropic `GET /v1/models`, Gemini `GET /v1beta/models`. Normalised to `{data:[{id, object:'model', ...}]}`. 400: invalid URL, refused address or unreadable answer; 502: the upstream failed; 504: it timed out (10 s).",
  })
  @ApiBody({ type: FetchModelsRequestDto })
  @ApiOkResponse({ type: FetchModelsResultDto })
  async fetchModels(@Body() body: unknown): Promise<FetchModelsResultDto> {
    const request = validateBody(FetchModelsRequestDto, body);
    const endpoint =
      request.provider !== undefined
        ? await this.providerEndpoint(request.provider, request.apiType)
        : await this.urlEndpoint(request);
    try {
      return { data: await this.tooling.listModels(endpoint) };
    } catch (error) {
      throw upstreamFailure(error);
    }
  }

  @Audited()
  @Post('test')
  @HttpCode(200)
  @ApiTags('Management — Test')
  @ApiOperation({
    summary: 'Send one tiny request to a provider model, bypassing aliases, retries, cooldowns and quotas (admin only)',
    description:
      'A failed call answers 200 with `success: false` and the reason; unknown providers and API types we cannot probe answer 400. The call is a real request: it appears in the usage records with apiKey `probe` and attribution `manual`.',
  })
  @ApiBody({ type: ProviderTestRequestDto })
  @ApiOkResponse({ type: ProviderTestResultDto })
  async test(@Body() body: unknown): Promise<ProviderTestResultDto> {
    const request = validateBody(ProviderTestRequestDto, body);
    const provider = await this.knownProvider(request.provider);
    if (request.apiType !== undefined && !isApiFormat(request.apiType)) {
      throw validationFailed([
        { path: ['apiType'], message: `apiType '${request.apiType}' can't be probed here`, code: 'unsupported' },
      ]);
    }
    const endpoint = this.endpointOf(provider, request.apiType ?? preferred(provider), PROBE_TIMEOUT_MS);
    const modelConfig = provider.models.find((model) => model.name === request.model)?.config ?? {};
    const probe: ProviderProbe = {
      ...endpoint,
      provider: provider.slug,
      model: request.model,
      extraBody: { ...objectOf(provider.settings['extraBody']), ...objectOf(modelConfig['extraBody']) },
    };
    const startTime = new Date();
    this.usage.started();
    const outcome = await this.tooling.probe(probe);
    this.recordProbe(probe, outcome, startTime);
    const { success, durationMs, apiType, response, error } = outcome;
    return {
      success,
      durationMs,
      apiType,
      ...(response !== undefined && { response }),
      ...(error !== undefined && { error }),
    };
  }

  /** The probe in the usage records, as the reference keeps it: apiKey `probe`, attribution `manual`. */
  private recordProbe(probe: ProviderProbe, outcome: ProviderProbeOutcome, startTime: Date): void {
    const usage = outcome.usage;
    this.usage.record({
      requestId: randomUUID(),
      clientRequestId: null,
      startTime,
      apiKey: 'probe',
      attribution: 'manual',
      sourceIp: null,
      incomingApiType: probe.apiType,
      outgoingApiType: probe.apiType,
      incomingModelAlias: null,
      provider: probe.provider,
      selectedModelName: probe.model,
      isStreamed: false,
      isPassthrough: false,
      responseStatus: outcome.success ? 'success' : 'error',
      httpStatus: outcome.success ? 200 : (outcome.httpStatus ?? null),
      tokensInput: usage?.inputTokens ?? 0,
      tokensOutput: usage?.outputTokens ?? 0,
      tokensReasoning: usage?.reasoningTokens ?? 0,
      tokensCached: usage?.cacheReadTokens ?? 0,
      tokensCacheWrite: usage?.cacheWriteTokens ?? 0,
      providerReportedCost: usage?.reportedCostUsd ?? null,
      costInput: 0,
      costOutput: 0,
      costCached: 0,
      costCacheWrite: 0,
      costTotal: 0,
      costSource: null,
      durationMs: outcome.durationMs,
      ttftMs: null,
      tokensPerSec: null,
      attemptCount: 1,
      retryHistory: [
        {
          index: 0,
          provider: probe.provider,
          model: probe.model,
          apiType: probe.apiType,
          status: outcome.success ? 'success' : 'failed',
          ...(outcome.error !== undefined && { reason: outcome.error }),
          ...(outcome.httpStatus !== undefined && { statusCode: outcome.httpStatus }),
        },
      ],
      finishReason: outcome.finishReason ?? null,
      errorMessage: outcome.error ?? null,
      clientDisconnected: false,
    });
  }

  private async providerEndpoint(slug: string, apiType: ApiFormat | undefined): Promise<UpstreamEndpoint> {
    const provider = await this.knownProvider(slug);
    return this.endpointOf(provider, apiType ?? preferred(provider), FETCH_TIMEOUT_MS);
  }

  private async urlEndpoint(request: FetchModelsRequestDto): Promise<UpstreamEndpoint> {
    if (request.url === undefined)
      throw validationFailed([{ path: ['url'], message: 'Give url or provider', code: 'required' }]);
    await refuseForbiddenHost(new URL(request.url));
    const apiType = request.apiType ?? 'chat';
    // An OpenAI-style listing URL (…/models) names its base URL too.
    const baseUrl =
      apiType === 'chat' || apiType === 'responses' || apiType === 'completions'
        ? request.url.replace(/\/models\/?$/, '')
        : request.url;
    return { apiType, baseUrl, apiKey: request.apiKey ?? null, headers: {}, timeoutMs: FETCH_TIMEOUT_MS };
  }

  private async knownProvider(slug: string): Promise<ProviderRecord> {
    const provider = await this.providers.findBySlug(slug);
    if (!provider)
      throw validationFailed([{ path: ['provider'], message: `Unknown provider '${slug}'`, code: 'unknown_provider' }]);
    return provider;
  }

  private endpointOf(provider: ProviderRecord, apiType: ApiFormat, timeoutMs: number): UpstreamEndpoint {
    const headers = provider.settings['headers'];
    return {
      apiType,
      baseUrl: baseUrlFor(provider, apiType),
      apiKey: provider.apiKey,
      headers: typeof headers === 'object' && headers !== null ? (headers as Record<string, string>) : {},
      timeoutMs,
    };
  }
}

function preferred(provider: ProviderRecord): ApiFormat {
  const types = providerApiTypes(provider);
  return types.includes('chat') ? 'chat' : (types[0] ?? 'chat');
}

function objectOf(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

async function refuseForbiddenHost(url: URL): Promise<void> {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const refuse = (): never => {
    throw validationFailed([
      {
        path: ['url'],
        message: `Refusing to fetch from ${host}: loopback and metadata addresses are not allowed`,
        code: 'forbidden_address',
      },
    ]);
  };
  if (FORBIDDEN_HOSTS.has(host) || host.endsWith('.localhost')) refuse();
  let addresses: Array<{ address: string }>;
  try {
    addresses = await lookup(host, { all: true });
  } catch {
    throw validationFailed([{ path: ['url'], message: `Cannot resolve ${host}`, code: 'unresolvable' }]);
  }
  if (addresses.some(({ address }) => FORBIDDEN_ADDRESSES.matches(address))) refuse();
}

function upstreamFailure(error: unknown): ManagementError {
  if (!(error instanceof GatewayException))
    return new ManagementError(ManagementErrorCode.UPSTREAM_FAILED, 'Model list fetch failed', { type: 'api_error' });
  if (error.code === ErrorCode.UPSTREAM_TIMEOUT)
    return new ManagementError(ManagementErrorCode.UPSTREAM_TIMEOUT, error.message);
  if (error.code === ErrorCode.UPSTREAM_INVALID_RESPONSE)
    return new ManagementError(ManagementErrorCode.UPSTREAM_INVALID_RESPONSE, error.message);
  return new ManagementError(ManagementErrorCode.UPSTREAM_FAILED, error.message);
}
