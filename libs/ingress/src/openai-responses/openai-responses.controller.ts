import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ResponseStore, type ConversationHistory, type StoredConversation } from '@plexus/conversations';
import {
  ErrorCode,
  GatewayException,
  ResponseAccumulator,
  type CanonicalChunk,
  type CanonicalRequest,
} from '@plexus/core';
import {
  ResponsesStreamEncoder,
  decodeResponsesRequest,
  encodeResponsesResponse,
  responseOutputMessages,
} from '@plexus/protocols/openai-responses';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { concatWith, defer, EMPTY, from, ignoreElements, map, tap, type Observable } from 'rxjs';
import { ApiKeyGuard } from '../api-key.guard';
import { ExecutionService } from '../pipeline/execution.service';
import { ReplyWriter, type WireCodec } from '../pipeline/reply-writer';
import type { AuthenticatedRequest } from '../pipeline/request-context';
import { createRequestContext, responseHeaders } from '../pipeline/request-context.factory';
import { OpenAiResponsesExceptionFilter } from './openai-responses-exception.filter';

/**
 * OpenAI Responses ingress, with Plexus-side state: answers are stored per API key
 * (unless `store: false`) so `previous_response_id` continues a conversation on whatever
 * provider answers next. Requests that need the store take the translated path, since
 * the stored answer is the canonical one; `store: false` requests may pass through.
 */
@ApiTags('Inference')
@ApiSecurity('ApiKey')
@Controller('v1')
@UseFilters(OpenAiResponsesExceptionFilter)
@UseGuards(ApiKeyGuard)
export class OpenAiResponsesController {
  constructor(
    private readonly execution: ExecutionService,
    private readonly store: ResponseStore,
  ) {}

  @Post(['responses', 'codex/responses'])
  @HttpCode(200)
  @ApiOperation({ summary: 'OpenAI Responses, streamed (SSE) or not' })
  @ApiBody({ schema: { type: 'object', required: ['model', 'input'], additionalProperties: true } })
  async createResponse(
    @Req() request: FastifyRequest & AuthenticatedRequest,
    @Res() reply: FastifyReply,
    @Body() body: unknown,
  ): Promise<void> {
    const context = createRequestContext(request, 'responses');
    const keyName = context.principal.keyName;
    const raw = body as Record<string, unknown>;
    const previousId = typeof raw['previous_response_id'] === 'string' ? raw['previous_response_id'] : undefined;
    const conversationId = conversationIdOf(raw['conversation']);
    if (conversationId !== undefined && previousId !== undefined) {
      throw new GatewayException(ErrorCode.INVALID_REQUEST, {
        message: 'conversation and previous_response_id cannot be used together',
        param: 'conversation',
      });
    }
    const decoded = decodeResponsesRequest(body);
    const canonical =
      conversationId === undefined
        ? await this.withHistory(decoded, previousId, keyName)
        : await this.inConversation(decoded, conversationId, keyName);
    // A conversation keeps every turn, whatever `store` says.
    const stored = raw['store'] !== false || conversationId !== undefined;
    const responseId = `resp_${context.requestId.replaceAll('-', '')}`;

    const { chunks$ } = this.execution.execute({
      context,
      request: canonical,
      rawBody: raw,
      allowPassthrough: !stored && previousId === undefined,
    });
    const conversation =
      conversationId === undefined ? undefined : { id: conversationId, inputItems: inputItemsOf(raw['input']) };
    const answer$ = stored ? this.storing(chunks$, { responseId, keyName, request: canonical, conversation }) : chunks$;
    const writer = new ReplyWriter(reply, responseHeaders(context));
    const codec: WireCodec = {
      streamEncoder: () => new ResponsesStreamEncoder({ fallbackId: responseId, fallbackModel: canonical.model }),
      encodeResponse: (response) => encodeResponsesResponse(response, { id: responseId }),
    };
    await (canonical.stream ? writer.stream(answer$, codec.streamEncoder()) : writer.json(answer$, codec));
  }

  @Get('responses/:id')
  @ApiOperation({ summary: 'A stored response of this API key' })
  async getResponse(
    @Req() request: FastifyRequest & AuthenticatedRequest,
    @Param('id') id: string,
  ): Promise<Record<string, unknown>> {
    const response = await this.store.response(id, principalOf(request));
    if (!response) throw notFound(id);
    return response;
  }

  @Delete('responses/:id')
  @ApiOperation({ summary: 'Delete a stored response of this API key' })
  async deleteResponse(
    @Req() request: FastifyRequest & AuthenticatedRequest,
    @Param('id') id: string,
  ): Promise<{ id: string; object: 'response'; deleted: true }> {
    if (!(await this.store.delete(id, principalOf(request)))) throw notFound(id);
    return { id, object: 'response', deleted: true };
  }

  @Get('conversations/:conversation_id')
  @ApiOperation({ summary: 'A conversation of this API key: the input and output items of its turns, oldest first' })
  async getConversation(
    @Req() request: FastifyRequest & AuthenticatedRequest,
    @Param('conversation_id') id: string,
  ): Promise<StoredConversation> {
    const conversation = await this.store.conversation(id, principalOf(request));
    if (!conversation)
      throw new GatewayException(ErrorCode.CONVERSATION_NOT_FOUND, {
        message: `Conversation with id '${id}' not found.`,
      });
    return conversation;
  }

  /**
   * A turn of a conversation continues from its latest stored turn; a conversation id not
   * seen before starts a new conversation (there is no separate create call).
   */
  private async inConversation(
    request: CanonicalRequest,
    conversationId: string,
    keyName: string,
  ): Promise<CanonicalRequest> {
    const history = await this.store.conversationHistory(conversationId, keyName);
    if (!history) return request;
    return {
      ...request,
      instructions: request.instructions.length > 0 ? request.instructions : history.instructions,
      messages: [...history.messages, ...request.messages],
    };
  }

  private async withHistory(
    request: CanonicalRequest,
    previousId: string | undefined,
    keyName: string,
  ): Promise<CanonicalRequest> {
    if (previousId === undefined) return request;
    const history = await this.store.history(previousId, keyName);
    if (!history) throw notFound(previousId, 'previous_response_id');
    return {
      ...request,
      instructions: request.instructions.length > 0 ? request.instructions : history.instructions,
      messages: [...history.messages, ...request.messages],
    };
  }

  /**
   * Gives the answer our own response id and stores it before the stream completes, so a
   * client that continues at once finds it.
   */
  private storing(
    chunks$: Observable<CanonicalChunk>,
    params: {
      responseId: string;
      keyName: string;
      request: CanonicalRequest;
      conversation: { id: string; inputItems: unknown[] } | undefined;
    },
  ): Observable<CanonicalChunk> {
    const accumulator = new ResponseAccumulator();
    const save = defer(() => {
      const response = { ...accumulator.result(), id: params.responseId };
      const history: ConversationHistory = {
        instructions: params.request.instructions,
        messages: [...params.request.messages, ...responseOutputMessages(response)],
      };
      const wire = encodeResponsesResponse(response, { id: params.responseId }) as unknown as Record<string, unknown>;
      return from(
        this.store.save({
          id: params.responseId,
          apiKey: params.keyName,
          history,
          response: wire,
          ...(params.conversation && { conversation: params.conversation }),
        }),
      );
    });
    return chunks$.pipe(
      map((chunk): CanonicalChunk => {
        if (chunk.type === 'start') return { ...chunk, id: params.responseId };
        if (chunk.type === 'message') return { ...chunk, response: { ...chunk.response, id: params.responseId } };
        return chunk;
      }),
      tap((chunk) => accumulator.push(chunk)),
      concatWith(save.pipe(ignoreElements()), EMPTY),
    );
  }
}

function principalOf(request: AuthenticatedRequest): string {
  const principal = request.plexusPrincipal;
  if (!principal) throw new GatewayException(ErrorCode.MISSING_API_KEY);
  return principal.keyName;
}

function notFound(id: string, param?: string): GatewayException {
  return new GatewayException(ErrorCode.RESPONSE_NOT_FOUND, {
    message: `Response with id '${id}' not found.`,
    ...(param !== undefined && { param }),
  });
}

const MAX_CONVERSATION_ID_LENGTH = 100;

/** `conversation` is an id or `{id}`; anything else is the client's error. */
function conversationIdOf(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const id = typeof value === 'string' ? value : typeof value === 'object' ? (value as { id?: unknown }).id : undefined;
  if (typeof id !== 'string' || id.trim() === '' || id.length > MAX_CONVERSATION_ID_LENGTH) {
    throw new GatewayException(ErrorCode.INVALID_REQUEST, {
      message: `conversation must be a conversation id (at most ${MAX_CONVERSATION_ID_LENGTH} characters) or an object with one`,
      param: 'conversation',
    });
  }
  return id;
}

/** The turn's input as conversation items: a string input is one user message. */
function inputItemsOf(input: unknown): unknown[] {
  if (typeof input === 'string')
    return [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: input }] }];
  return Array.isArray(input) ? input : [];
}
