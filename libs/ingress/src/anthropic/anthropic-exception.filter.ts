import { Catch } from '@nestjs/common';
import type { GatewayErrorBody } from '@plexus/core';
import { encodeAnthropicErrorBody } from '@plexus/protocols/anthropic';
import { WireExceptionFilter } from '../errors/wire-exception.filter';

@Catch()
export class AnthropicExceptionFilter extends WireExceptionFilter {
  protected encode(error: GatewayErrorBody): unknown {
    return encodeAnthropicErrorBody(error);
  }
}
