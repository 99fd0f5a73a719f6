import { Body, Controller, HttpCode, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiKeyGuard } from '../api-key.guard';
import { OpenAiChatExceptionFilter } from '../openai-chat/openai-chat-exception.filter';
import { ExecutionService } from '../pipeline/execution.service';
import { invalid, jsonObject, relayMedia, requiredString } from '../pipeline/media-relay';
import type { AuthenticatedRequest } from '../pipeline/request-context';

/** OpenAI Embeddings ingress: `/v1/embeddings`, routed to `embeddings` aliases. */
@ApiTags('Inference')
@Controller('v1')
@UseFilters(OpenAiChatExceptionFilter)
export class OpenAiEmbeddingsController {
  constructor(private readonly execution: ExecutionService) {}

  @Post('embeddings')
  @HttpCode(200)
  @UseGuards(ApiKeyGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'OpenAI embeddings, relayed to an embeddings alias' })
  @ApiBody({ schema: { type: 'object', required: ['model', 'input'], additionalProperties: true } })
  @ApiOkResponse({ description: "The upstream's OpenAI embeddings list" })
  async createEmbeddings(
    @Req() request: FastifyRequest & AuthenticatedRequest,
    @Res() reply: FastifyReply,
    @Body() body: unknown,
  ): Promise<void> {
    const json = jsonObject(body);
    const model = requiredString(json, 'model');
    await relayMedia(this.execution, request, reply, {
      endpoint: 'embeddings',
      model,
      body: { kind: 'json', json },
      tracedBody: json,
      inputText: embeddingsInput(json['input']),
    });
  }
}

/** The input's text (strings, or token arrays counted one character per token). */
function embeddingsInput(input: unknown): string {
  if (typeof input === 'string') return input;
  if (Array.isArray(input) && input.length > 0) {
    return input
      .map((item) => (typeof item === 'string' ? item : Array.isArray(item) ? 'x'.repeat(item.length) : 'x'))
      .join('\n');
  }
  throw invalid("'input' is required: a string, an array of strings or an array of token arrays", 'input');
}
