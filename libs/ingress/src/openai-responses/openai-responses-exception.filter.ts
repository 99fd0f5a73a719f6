import { Catch } from '@nestjs/common';
import type { GatewayErrorBody } from '@plexus/core';
import { encodeResponsesErrorBody } from '@plexus/protocols/openai-responses';
import { WireExceptionFilter } from '../errors/wire-exception.filter';

@Catch()
export class OpenAiResponsesExceptionFilter extends WireExceptionFilter {
  protected encode(error: GatewayErrorBody): unknown {
    return encodeResponsesErrorBody(error);
  }
}
