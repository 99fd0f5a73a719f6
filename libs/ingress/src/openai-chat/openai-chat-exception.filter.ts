import { Catch } from '@nestjs/common';
import type { GatewayErrorBody } from '@plexus/core';
import { encodeChatErrorBody } from '@plexus/protocols/openai-chat';
import { WireExceptionFilter } from '../errors/wire-exception.filter';

@Catch()
export class OpenAiChatExceptionFilter extends WireExceptionFilter {
  protected encode(error: GatewayErrorBody): unknown {
    return encodeChatErrorBody(error);
  }
}
