import { Body, Controller, HttpCode, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiKeyGuard } from '../api-key.guard';
import { OpenAiChatExceptionFilter } from '../openai-chat/openai-chat-exception.filter';
import { ExecutionService } from '../pipeline/execution.service';
import {
  jsonObject,
  multipartForm,
  relayMedia,
  requiredFile,
  requiredFormString,
  requiredString,
  tracedForm,
} from '../pipeline/media-relay';
import type { AuthenticatedRequest } from '../pipeline/request-context';

/** OpenAI's upload limit for an image to edit (gpt-image-*; DALL-E 2 takes 4 MB). */
const MAX_IMAGE_BYTES = 25 * 1024 * 1024;

/** OpenAI Images ingress: generations (JSON) and edits (multipart), routed to `image` aliases. */
@ApiTags('Inference')
@Controller('v1/images')
@UseFilters(OpenAiChatExceptionFilter)
export class OpenAiImagesController {
  constructor(private readonly execution: ExecutionService) {}

  @Post('generations')
  @HttpCode(200)
  @UseGuards(ApiKeyGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Image generation, relayed to an image alias' })
  @ApiBody({ schema: { type: 'object', required: ['model', 'prompt'], additionalProperties: true } })
  @ApiOkResponse({ description: "The upstream's images ({created, data[]})" })
  async createImage(
    @Req() request: FastifyRequest & AuthenticatedRequest,
    @Res() reply: FastifyReply,
    @Body() body: unknown,
  ): Promise<void> {
    const json = jsonObject(body);
    const model = requiredString(json, 'model');
    const prompt = requiredString(json, 'prompt');
    await relayMedia(this.execution, request, reply, {
      endpoint: 'images/generations',
      model,
      body: { kind: 'json', json },
      tracedBody: json,
      inputText: prompt,
    });
  }

  @Post('edits')
  @HttpCode(200)
  @UseGuards(ApiKeyGuard)
  @ApiBearerAuth()
  @ApiConsumes('multipart/form-data')
  @ApiOperation({
    summary: 'Image edit: the multipart upload (image, optional mask, prompt) relayed to an image alias',
  })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['image', 'prompt', 'model'],
      properties: {
        image: { type: 'string', format: 'binary' },
        mask: { type: 'string', format: 'binary' },
        prompt: { type: 'string' },
        model: { type: 'string' },
        n: { type: 'integer' },
        size: { type: 'string' },
        response_format: { type: 'string', enum: ['url', 'b64_json'] },
        quality: { type: 'string' },
        user: { type: 'string' },
      },
    },
  })
  @ApiOkResponse({ description: "The upstream's images ({created, data[]})" })
  async editImage(@Req() request: FastifyRequest & AuthenticatedRequest, @Res() reply: FastifyReply): Promise<void> {
    const form = await multipartForm(request);
    requiredFile(form, ['image', 'image[]'], MAX_IMAGE_BYTES);
    const prompt = requiredFormString(form, 'prompt');
    const model = requiredFormString(form, 'model');
    await relayMedia(this.execution, request, reply, {
      endpoint: 'images/edits',
      model,
      body: { kind: 'multipart', form },
      tracedBody: tracedForm(form),
      inputText: prompt,
    });
  }
}
