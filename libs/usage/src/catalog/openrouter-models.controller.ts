import { Controller, Get, Headers, HttpException, HttpStatus, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiProperty, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { entityTagOf, evaluateConditionalGet } from '@plexus/core';
import type { FastifyReply } from 'fastify';
import { ModelCatalog } from './model-catalog.service';

export class OpenRouterModelsDto {
  @ApiProperty({ type: [String], description: 'OpenRouter model slugs, e.g. anthropic/claude-sonnet-4.5' })
  data!: string[];
  @ApiProperty() count!: number;
}

/** Remembered first-seen times are per query; beyond this many distinct queries the oldest are forgotten. */
const MAX_REMEMBERED_QUERIES = 500;

/**
 * The OpenRouter slugs the catalog knows (public), for clients that pick models by
 * OpenRouter slug. Conditional: the ETag is the SHA-256 of the body, Last-Modified the
 * time that body was first served (it changes when a catalog refresh changes the list).
 */
@ApiTags('Inference — Models')
@Controller('v1/openrouter')
export class OpenRouterModelsController {
  private readonly firstServed = new Map<string, { etag: string; since: Date }>();

  constructor(private readonly catalog: ModelCatalog) {}

  @Get('models')
  @ApiOperation({ summary: 'OpenRouter model slugs known to Plexus (public)' })
  @ApiQuery({ name: 'q', required: false, description: 'Substring filter applied to slug names (case-insensitive)' })
  @ApiHeader({ name: 'If-None-Match', required: false })
  @ApiHeader({ name: 'If-Modified-Since', required: false })
  @ApiOkResponse({ type: OpenRouterModelsDto, description: 'Slug list, with ETag and Last-Modified' })
  @ApiResponse({ status: 304, description: 'Not modified since the cached ETag or date' })
  @ApiResponse({ status: 400, description: 'Malformed If-None-Match' })
  @ApiResponse({ status: 503, description: 'The OpenRouter catalog has not loaded yet' })
  list(
    @Res() reply: FastifyReply,
    @Query('q') q?: string,
    @Headers('if-none-match') ifNoneMatch?: string,
    @Headers('if-modified-since') ifModifiedSince?: string,
  ): FastifyReply {
    const index = this.catalog.source('openrouter');
    if (!index) {
      throw new HttpException('The OpenRouter catalog has not loaded yet', HttpStatus.SERVICE_UNAVAILABLE);
    }
    const needle = q?.trim().toLowerCase() ?? '';
    const data = index.models
      .map((model) => model.path)
      .filter((slug) => needle === '' || slug.toLowerCase().includes(needle));
    data.sort();
    const body = JSON.stringify({ data, count: data.length });
    const etag = entityTagOf(body);
    const lastModified = this.lastModified(needle, etag);
    const outcome = evaluateConditionalGet({ etag, lastModified, ifNoneMatch, ifModifiedSince });
    if (outcome === 'invalid') {
      throw new HttpException('If-None-Match must be * or a list of quoted entity tags', HttpStatus.BAD_REQUEST);
    }
    void reply
      .header('etag', etag)
      .header('last-modified', lastModified.toUTCString())
      .header('cache-control', 'public, no-cache');
    if (outcome === 'not-modified') return reply.code(HttpStatus.NOT_MODIFIED).send();
    return reply.type('application/json; charset=utf-8').send(body);
  }

  private lastModified(query: string, etag: string): Date {
    const known = this.firstServed.get(query);
    if (known?.etag === etag) return known.since;
    if (!known && this.firstServed.size >= MAX_REMEMBERED_QUERIES) {
      const oldest = this.firstServed.keys().next();
      if (!oldest.done) this.firstServed.delete(oldest.value);
    }
    const since = new Date();
    this.firstServed.set(query, { etag, since });
    return since;
  }
}
