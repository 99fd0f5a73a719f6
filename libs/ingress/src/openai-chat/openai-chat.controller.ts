import { Body, Controller, Get, HttpCode, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { decodeChatRequest } from '@plexus/protocols/openai-chat';
import { RoutingConfigService } from '@plexus/routing';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiKeyGuard } from '../api-key.guard';
import { ExecutionService } from '../pipeline/execution.service';
import { ReplyWriter } from '../pipeline/reply-writer';
import type { AuthenticatedRequest } from '../pipeline/request-context';
import { createRequestContext, responseHeaders } from '../pipeline/request-context.factory';
import { RequestShaper } from '../shaping';
import { chatWireCodec } from './openai-chat.codec';
import { OpenAiChatExceptionFilter } from './openai-chat-exception.filter';

const PROCESS_START = Math.floor(Date.now() / 1000);

interface ModelListEntry {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
  architecture?: { input_modalities: string[]; output_modalities: string[] };
}

/** OpenAI Chat Completions ingress: `/v1/chat/completions` and the `/v1/models` list. */
@ApiTags('Inference')
@Controller('v1')
@UseFilters(OpenAiChatExceptionFilter)
export class OpenAiChatController {
  constructor(
    private readonly execution: ExecutionService,
    private readonly routingConfig: RoutingConfigService,
    private readonly shaper: RequestShaper,
  ) {}

  @Post('chat/completions')
  @HttpCode(200)
  @UseGuards(ApiKeyGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'OpenAI Chat Completions, streamed (SSE) or not' })
  @ApiBody({ schema: { type: 'object', required: ['model', 'messages'], additionalProperties: true } })
  async createChatCompletion(
    @Req() request: FastifyRequest & AuthenticatedRequest,
    @Res() reply: FastifyReply,
    @Body() body: unknown,
  ): Promise<void> {
    const context = createRequestContext(request, 'chat');
    const canonical = decodeChatRequest(body);
    const { chunks$ } = this.execution.execute({
      context,
      request: canonical,
      rawBody: body as Record<string, unknown>,
    });
    const writer = new ReplyWriter(reply, responseHeaders(context));
    const codec = chatWireCodec(canonical, context.requestId);
    await (canonical.stream ? writer.stream(chunks$, codec.streamEncoder()) : writer.json(chunks$, codec));
  }

  @Get('models')
  @ApiOperation({ summary: 'List model aliases (public)' })
  @ApiOkResponse({ description: 'OpenAI-style model list' })
  listModels(): { object: 'list'; data: ModelListEntry[] } {
    return {
      object: 'list',
      data: this.routingConfig.allAliases().map((alias) => ({
        id: alias.slug,
        object: 'model' as const,
        created: PROCESS_START,
        owned_by: 'plexus',
        // Vision fallthrough makes the alias take images whatever its targets can see.
        ...(this.shaper.advertisesImages(alias.slug) && {
          architecture: { input_modalities: ['text', 'image'], output_modalities: ['text'] },
        }),
      })),
    };
  }
}
