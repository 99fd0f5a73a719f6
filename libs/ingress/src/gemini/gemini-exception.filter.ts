import { Catch } from '@nestjs/common';
import type { GatewayErrorBody } from '@plexus/core';
import { encodeGeminiErrorBody } from '@plexus/protocols/gemini';
import { WireExceptionFilter } from '../errors/wire-exception.filter';

@Catch()
export class GeminiExceptionFilter extends WireExceptionFilter {
  protected encode(error: GatewayErrorBody): unknown {
    return encodeGeminiErrorBody(error);
  }
}
