import { ErrorCode, GatewayException } from '@plexus/core';
import { MEDIA_ENDPOINT_TYPES, type MediaBody, type MediaEndpoint } from '@plexus/providers';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ExecutionService } from './execution.service';
import { MediaReplyWriter } from './media-reply-writer';
import type { AuthenticatedRequest } from './request-context';
import { createRequestContext, responseHeaders } from './request-context.factory';

export interface MediaRelay {
  endpoint: MediaEndpoint;
  model: string;
  body: MediaBody;
  /** The client's body as a debug trace shows it. */
  tracedBody: Record<string, unknown>;
  /** The text the request sends, for the quota admission's estimate. */
  inputText: string;
}

/** Routes a validated media request through the pipeline and relays the answer. */
export async function relayMedia(
  execution: ExecutionService,
  request: FastifyRequest & AuthenticatedRequest,
  reply: FastifyReply,
  relay: MediaRelay,
): Promise<void> {
  const context = createRequestContext(request, MEDIA_ENDPOINT_TYPES[relay.endpoint]);
  const { chunks$ } = execution.executeMedia({ context, ...relay });
  await new MediaReplyWriter(reply, responseHeaders(context)).write(chunks$);
}

export function invalid(message: string, param?: string): GatewayException {
  return new GatewayException(ErrorCode.INVALID_REQUEST, { message, ...(param !== undefined && { param }) });
}

/** A JSON body as an object, or a 400 in the client's format. */
export function jsonObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw invalid('The request body must be a JSON object');
  return body as Record<string, unknown>;
}

export function requiredString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value.length === 0)
    throw invalid(`'${field}' is required and must be a non-empty string`, field);
  return value;
}

/**
 * A `multipart/form-data` body (buffered by the app's parser, within its body limit) as
 * form fields and files, parsed by the platform's own multipart reader.
 */
export async function multipartForm(request: FastifyRequest): Promise<FormData> {
  const contentType = request.headers['content-type'] ?? '';
  if (!/^multipart\/form-data/i.test(contentType) || !Buffer.isBuffer(request.body)) {
    throw invalid('The request body must be multipart/form-data');
  }
  try {
    return await new Response(new Uint8Array(request.body), { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw invalid('The multipart/form-data body could not be parsed');
  }
}

export function formString(form: FormData, field: string): string | undefined {
  const value = form.get(field);
  return typeof value === 'string' ? value : undefined;
}

export function requiredFormString(form: FormData, field: string): string {
  const value = formString(form, field);
  if (!value) throw invalid(`'${field}' is required`, field);
  return value;
}

/** The first file of `fields` (e.g. `image` or `image[]`), or a 400 naming the first. */
export function requiredFile(form: FormData, fields: readonly string[], maxBytes: number): File {
  const file = fields.map((field) => form.get(field)).find((value): value is File => value instanceof File);
  if (!file) throw invalid(`'${fields[0]}' is required and must be a file`, fields[0]);
  if (file.size > maxBytes) {
    throw new GatewayException(ErrorCode.PAYLOAD_TOO_LARGE, {
      message: `'${fields[0]}' is larger than ${Math.round(maxBytes / (1024 * 1024))} MB`,
    });
  }
  return file;
}

/** A form as a debug trace shows it: fields as sent, files by name, size and type. */
export function tracedForm(form: FormData): Record<string, unknown> {
  const traced: Record<string, unknown> = {};
  for (const [name, value] of form.entries()) {
    traced[name] = typeof value === 'string' ? value : `<file ${value.name}, ${value.size} bytes, ${value.type}>`;
  }
  return traced;
}
