import { Body, Controller, HttpCode, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import {
  CompletionStreamEncoder,
  decodeCompletionRequest,
  encodeCompletionResponse,
} from '@plexus/protocols/openai-completions';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiKeyGuard } from '../api-key.guard';
import { OpenAiChatExceptionFilter } from '../openai-chat/openai-chat-exception.filter';
import { ExecutionService } from '../pipeline/execution.service';
import { ReplyWriter, type WireCodec } from '../pipeline/reply-writer';
import type { AuthenticatedRequest } from '../pipeline/request-context';
import { createRequestContext, responseHeaders } from '../pipeline/request-context.factory';

/** Legacy OpenAI Completions ingress (`/v1/completions`, `/completions`); errors as OpenAI's. */
@ApiTags('Inference')
@ApiSecurity('ApiKey')
@Controller()
@UseFilters(OpenAiChatExceptionFilter)
@UseGuards(ApiKeyGuard)
export class OpenAiCompletionsController {
  constructor(private readonly execution: ExecutionService) {}

  @Post(['v1/completions', 'completions'])
  @HttpCode(200)
  @ApiOperation({ summary: 'Legacy text completions, emulated on chat models when needed' })
  @ApiBody({ schema: { type: 'object', required: ['model', 'prompt'], additionalProperties: true } })
  async createCompletion(
    @Req() request: FastifyRequest & AuthenticatedRequest,
    @Res() reply: FastifyReply,
    @Body() body: unknown,
  ): Promise<void> {
    const context = createRequestContext(request, 'completions');
    const canonical = decodeCompletionRequest(body);
    const { chunks$ } = this.execution.execute({
      context,
      request: canonical,
      rawBody: body as Record<string, unknown>,
    });
    const writer = new ReplyWriter(reply, responseHeaders(context));
    const codec: WireCodec = {
      streamEncoder: () =>
        new CompletionStreamEncoder({
          includeUsage: canonical.streamUsage,
          fallbackId: `cmpl-${context.requestId}`,
          fallbackModel: canonical.model,
        }),
      encodeResponse: encodeCompletionResponse,
    };
    await (canonical.stream ? writer.stream(chunks$, codec.streamEncoder()) : writer.json(chunks$, codec));
  }
}
