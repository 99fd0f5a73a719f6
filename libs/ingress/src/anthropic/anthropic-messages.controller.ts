import { Body, Controller, HttpCode, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { AnthropicStreamEncoder, decodeAnthropicRequest, encodeAnthropicResponse } from '@plexus/protocols/anthropic';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiKeyGuard } from '../api-key.guard';
import { ExecutionService } from '../pipeline/execution.service';
import { ReplyWriter, type WireCodec } from '../pipeline/reply-writer';
import type { AuthenticatedRequest } from '../pipeline/request-context';
import { createRequestContext, responseHeaders } from '../pipeline/request-context.factory';
import { estimateInputTokens } from '../pipeline/token-estimator';
import { AnthropicExceptionFilter } from './anthropic-exception.filter';

/** Anthropic Messages ingress: `/v1/messages` and `/v1/messages/count_tokens`. */
@ApiTags('Inference')
@ApiSecurity('ApiKey')
@Controller('v1/messages')
@UseFilters(AnthropicExceptionFilter)
@UseGuards(ApiKeyGuard)
export class AnthropicMessagesController {
  constructor(private readonly execution: ExecutionService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Anthropic Messages, streamed (SSE) or not' })
  @ApiBody({ schema: { type: 'object', required: ['model', 'messages', 'max_tokens'], additionalProperties: true } })
  async createMessage(
    @Req() request: FastifyRequest & AuthenticatedRequest,
    @Res() reply: FastifyReply,
    @Body() body: unknown,
  ): Promise<void> {
    const context = createRequestContext(request, 'messages');
    const canonical = decodeAnthropicRequest(body);
    const { chunks$ } = this.execution.execute({
      context,
      request: canonical,
      rawBody: body as Record<string, unknown>,
    });
    const writer = new ReplyWriter(reply, responseHeaders(context));
    const codec: WireCodec = {
      streamEncoder: () =>
        new AnthropicStreamEncoder({ fallbackId: `msg_${context.requestId}`, fallbackModel: canonical.model }),
      encodeResponse: encodeAnthropicResponse,
    };
    await (canonical.stream ? writer.stream(chunks$, codec.streamEncoder()) : writer.json(chunks$, codec));
  }

  @Post('count_tokens')
  @HttpCode(200)
  @ApiOperation({ summary: 'Estimated input tokens of a Messages request' })
  @ApiBody({ schema: { type: 'object', required: ['model', 'messages'], additionalProperties: true } })
  async countTokens(@Body() body: unknown): Promise<{ input_tokens: number }> {
    const withMaxTokens = { max_tokens: 1, ...(body as Record<string, unknown>) };
    return { input_tokens: await estimateInputTokens(decodeAnthropicRequest(withMaxTokens)) };
  }
}
