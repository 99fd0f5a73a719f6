import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ErrorCode, GatewayException } from '@plexus/core';
import { GeminiStreamEncoder, decodeGeminiRequest, encodeGeminiResponse } from '@plexus/protocols/gemini';
import { RoutingConfigService } from '@plexus/routing';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiKeyGuard } from '../api-key.guard';
import { ExecutionService } from '../pipeline/execution.service';
import { ReplyWriter, type WireCodec } from '../pipeline/reply-writer';
import type { AuthenticatedRequest } from '../pipeline/request-context';
import { createRequestContext, responseHeaders } from '../pipeline/request-context.factory';
import { estimateInputTokens } from '../pipeline/token-estimator';
import { GeminiExceptionFilter } from './gemini-exception.filter';

const ACTIONS = ['generateContent', 'streamGenerateContent', 'countTokens'] as const;
type GeminiAction = (typeof ACTIONS)[number];

/** `gemini-2.5-pro:streamGenerateContent` -> model and action, split at the last colon. */
function parseModelAction(modelAction: string): { model: string; action: GeminiAction } {
  const colon = modelAction.lastIndexOf(':');
  const model = colon < 0 ? modelAction : modelAction.slice(0, colon);
  const action = colon < 0 ? '' : modelAction.slice(colon + 1);
  if (!(ACTIONS as readonly string[]).includes(action)) {
    throw new GatewayException(ErrorCode.NOT_FOUND, {
      message: `Unsupported method '${action}': use ${ACTIONS.join(', ')}`,
    });
  }
  return { model, action: action as GeminiAction };
}

/** Gemini native ingress: `/v1beta/models/{model}:{action}` and the model list. */
@ApiTags('Inference')
@ApiSecurity('ApiKey')
@Controller('v1beta/models')
@UseFilters(GeminiExceptionFilter)
@UseGuards(ApiKeyGuard)
export class GeminiController {
  constructor(
    private readonly execution: ExecutionService,
    private readonly routingConfig: RoutingConfigService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Model aliases, in the Gemini model-list shape' })
  listModels(): { models: Array<{ name: string; displayName: string; supportedGenerationMethods: string[] }> } {
    return {
      models: this.routingConfig.allAliases().map((alias) => ({
        name: `models/${alias.slug}`,
        displayName: alias.slug,
        supportedGenerationMethods: ['generateContent', 'streamGenerateContent', 'countTokens'],
      })),
    };
  }

  @Post(':modelAction')
  @HttpCode(200)
  @ApiOperation({ summary: 'generateContent, streamGenerateContent (alt=sse) or countTokens' })
  @ApiParam({ name: 'modelAction', example: 'my-alias:streamGenerateContent' })
  @ApiBody({ schema: { type: 'object', additionalProperties: true } })
  async modelAction(
    @Req() request: FastifyRequest & AuthenticatedRequest,
    @Res() reply: FastifyReply,
    @Param('modelAction') modelAction: string,
    @Query('alt') alt: string | undefined,
    @Body() body: unknown,
  ): Promise<void> {
    const { model, action } = parseModelAction(decodeURIComponent(modelAction));
    if (action === 'countTokens') {
      const countable = (body as { generateContentRequest?: unknown } | undefined)?.generateContentRequest ?? body;
      const canonical = decodeGeminiRequest(countable, { model, stream: false });
      void reply.status(200).send({ totalTokens: await estimateInputTokens(canonical) });
      return;
    }
    // Without alt=sse Google streams one JSON array: Plexus answers it whole, as one element.
    const sse = action === 'streamGenerateContent' && alt === 'sse';
    const asArray = action === 'streamGenerateContent' && !sse;
    const context = createRequestContext(request, 'gemini');
    const canonical = decodeGeminiRequest(body, { model, stream: sse });
    const { chunks$ } = this.execution.execute({
      context,
      request: canonical,
      rawBody: body as Record<string, unknown>,
    });
    const writer = new ReplyWriter(reply, responseHeaders(context));
    const codec: WireCodec = {
      streamEncoder: () => new GeminiStreamEncoder({ fallbackId: context.requestId, fallbackModel: model }),
      encodeResponse: encodeGeminiResponse,
    };
    if (sse) await writer.stream(chunks$, codec.streamEncoder());
    else await writer.json(chunks$, codec, asArray ? (json) => `[${json}]` : undefined);
  }
}
