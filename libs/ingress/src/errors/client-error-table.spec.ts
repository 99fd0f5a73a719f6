import { HttpException } from '@nestjs/common';
import { ERROR_CODE_INFO, ErrorCode, GatewayException } from '@plexus/core';
import { CLIENT_ERROR_TABLE, FOREIGN_ERROR_TABLE } from './client-error-table';
import { CLIENT_FORMATS, clientFormatOfPath, encodeClientError, type ClientFormat } from './client-format';
import { toGatewayException } from './wire-exception.filter';

/** The type field each format's SDK reads. */
function typeIn(format: ClientFormat, body: unknown): unknown {
  const error = (body as { error: { type?: unknown; status?: unknown } }).error;
  return format === 'gemini' ? error.status : error.type;
}

describe('the client error table', () => {
  it.each(Object.values(ErrorCode))('%s renders with its status and type in every client format', (code) => {
    const row = CLIENT_ERROR_TABLE[code];
    const error = new GatewayException(code);
    expect(error.status).toBe(row.status);
    expect(ERROR_CODE_INFO[code].status).toBe(row.status);
    for (const format of CLIENT_FORMATS) {
      const body = encodeClientError(format, error.body);
      expect({ format, type: typeIn(format, body) }).toEqual({ format, type: row.type[format] });
      if (format === 'anthropic') expect(body).toMatchObject({ type: 'error', error: { message: error.message } });
      if (format === 'gemini') expect(body).toMatchObject({ error: { code: row.status, message: error.message } });
      if (format.startsWith('openai')) expect(body).toMatchObject({ error: { message: error.message } });
    }
  });

  it.each(FOREIGN_ERROR_TABLE)('$raised becomes $becomes', ({ raised, becomes }) => {
    const status = /^HttpException (\d+)$/.exec(raised)?.[1];
    const thrown = status
      ? new HttpException({ error: { message: 'refused' } }, Number(status))
      : raised === 'Error'
        ? new Error('boom')
        : Object.assign(new Error('fastify'), { code: raised, statusCode: 400 });
    const error = toGatewayException(thrown);
    expect(error.code).toBe(becomes);
    expect(error.status).toBe(CLIENT_ERROR_TABLE[becomes].status);
  });

  it('Fastify errors wrapped by Nest are recognised by their cause', () => {
    const wrapped = new HttpException('Bad Request', 400, {
      cause: Object.assign(new Error('x'), { code: 'FST_ERR_CTP_INVALID_JSON_BODY' }),
    });
    expect(toGatewayException(wrapped).code).toBe(ErrorCode.MALFORMED_JSON);
  });
});

describe('the client format of a path', () => {
  it.each([
    ['/v1/messages', 'anthropic'],
    ['/v1/messages/count_tokens?beta=true', 'anthropic'],
    ['/v1beta/models/m:generateContent', 'gemini'],
    ['/v1beta/models', 'gemini'],
    ['/v1/responses', 'openai-responses'],
    ['/v1/responses/resp_1', 'openai-responses'],
    ['/v1/codex/responses', 'openai-responses'],
    ['/v1/conversations/c1', 'openai-responses'],
    ['/v1/completions', 'openai-completions'],
    ['/completions', 'openai-completions'],
    ['/v1/chat/completions', 'openai-chat'],
    ['/v1/embeddings', 'openai-chat'],
    ['/v1/audio/speech', 'openai-chat'],
    ['/v1/images/edits', 'openai-chat'],
    ['/v1/unknown', 'openai-chat'],
    ['/v0/management/providers', null],
    ['/health', null],
    ['/v1x', null],
  ])('%s -> %s', (path, format) => {
    expect(clientFormatOfPath(path)).toBe(format);
  });
});
