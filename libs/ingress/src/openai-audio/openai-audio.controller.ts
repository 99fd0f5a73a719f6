import { Body, Controller, HttpCode, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiKeyGuard } from '../api-key.guard';
import { OpenAiChatExceptionFilter } from '../openai-chat/openai-chat-exception.filter';
import { ExecutionService } from '../pipeline/execution.service';
import {
  formString,
  invalid,
  jsonObject,
  multipartForm,
  relayMedia,
  requiredFile,
  requiredFormString,
  requiredString,
  tracedForm,
} from '../pipeline/media-relay';
import type { AuthenticatedRequest } from '../pipeline/request-context';

/** OpenAI's upload limit for audio files. */
const MAX_AUDIO_BYTES = 25 * 1024 * 1024;
const TRANSCRIPTION_FORMATS = ['json', 'text', 'verbose_json'];

/** OpenAI Audio ingress: speech (`speech` aliases) and transcriptions (`transcriptions` aliases). */
@ApiTags('Inference')
@Controller('v1/audio')
@UseFilters(OpenAiChatExceptionFilter)
export class OpenAiAudioController {
  constructor(private readonly execution: ExecutionService) {}

  @Post('speech')
  @HttpCode(200)
  @UseGuards(ApiKeyGuard)
  @ApiBearerAuth()
  @ApiOperation({
    summary: "Text to speech: the upstream's audio (or its SSE stream with stream_format: sse), relayed as it arrives",
  })
  @ApiBody({ schema: { type: 'object', required: ['model', 'input', 'voice'], additionalProperties: true } })
  @ApiProduces('audio/mpeg', 'audio/wav', 'audio/opus', 'audio/aac', 'audio/flac', 'audio/pcm', 'text/event-stream')
  @ApiOkResponse({ description: 'Binary audio, or an SSE stream of speech.audio.delta / speech.audio.done events' })
  async createSpeech(
    @Req() request: FastifyRequest & AuthenticatedRequest,
    @Res() reply: FastifyReply,
    @Body() body: unknown,
  ): Promise<void> {
    const json = jsonObject(body);
    const model = requiredString(json, 'model');
    const input = requiredString(json, 'input');
    requiredString(json, 'voice');
    await relayMedia(this.execution, request, reply, {
      endpoint: 'audio/speech',
      model,
      body: { kind: 'json', json },
      tracedBody: json,
      inputText: input,
    });
  }

  @Post('transcriptions')
  @HttpCode(200)
  @UseGuards(ApiKeyGuard)
  @ApiBearerAuth()
  @ApiConsumes('multipart/form-data')
  @ApiOperation({ summary: 'Speech to text: the multipart upload (file ≤ 25 MB) relayed to the upstream' })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file', 'model'],
      properties: {
        file: { type: 'string', format: 'binary' },
        model: { type: 'string' },
        language: { type: 'string' },
        prompt: { type: 'string' },
        response_format: { type: 'string', enum: TRANSCRIPTION_FORMATS },
        temperature: { type: 'number' },
      },
    },
  })
  @ApiOkResponse({ description: 'The transcription as JSON ({text}) or plain text' })
  async createTranscription(
    @Req() request: FastifyRequest & AuthenticatedRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const form = await multipartForm(request);
    const model = requiredFormString(form, 'model');
    requiredFile(form, ['file'], MAX_AUDIO_BYTES);
    const format = formString(form, 'response_format');
    if (format !== undefined && !TRANSCRIPTION_FORMATS.includes(format)) {
      throw invalid(`'response_format' must be one of ${TRANSCRIPTION_FORMATS.join(', ')}`, 'response_format');
    }
    await relayMedia(this.execution, request, reply, {
      endpoint: 'audio/transcriptions',
      model,
      body: { kind: 'multipart', form },
      tracedBody: tracedForm(form),
      inputText: formString(form, 'prompt') ?? '',
    });
  }
}
