import type { FastifyPluginCallback } from 'fastify';
import type { RawPassthrough } from './raw-passthrough.service';

const RAW_METHODS = ['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT'] as const;

/**
 * Registers `/raw/{provider}/*` on the Fastify instance itself, in its own encapsulated
 * context: there every body, whatever its content type, stays the bytes the client sent
 * (the app's JSON and multipart parsers would otherwise re-shape or refuse it).
 */
export function rawPassthroughRoutes(passthrough: RawPassthrough): FastifyPluginCallback {
  return (fastify, _options, done) => {
    fastify.removeAllContentTypeParsers();
    fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    fastify.route({
      method: [...RAW_METHODS],
      url: '/raw/:provider/*',
      exposeHeadRoute: false,
      handler: (request, reply) => passthrough.handle(request, reply),
    });
    done();
  };
}

/** The route's OpenAPI path item: it lives outside Nest's router, where @nestjs/swagger can't see it. */
export function rawPassthroughOpenApiPath(): { path: string; item: Record<string, unknown> } {
  const operation = (method: string): Record<string, unknown> => ({
    tags: ['Raw Provider Proxy'],
    summary: `Raw ${method} to a provider`,
    description:
      "Relays the method, path, query, non-authentication headers and body to a raw-enabled provider's raw_passthrough.base_url, without routing, failover or translation. Needs a key with allowRawPassthrough (and the key's provider allow/deny lists). The client's credential headers are dropped and the provider's key injected per raw_passthrough.auth. The upstream's status, headers and body are returned unchanged, with x-plexus-request-id added.",
    operationId: `rawProvider${method[0]}${method.slice(1).toLowerCase()}`,
    security: [{ ApiKey: [] }],
    ...(method !== 'GET' &&
      method !== 'HEAD' && {
        requestBody: { required: false, content: { '*/*': { schema: { type: 'string', format: 'binary' } } } },
      }),
    responses: {
      '400': { description: 'Dot segments in the path' },
      '401': { description: 'Missing or invalid Plexus API key' },
      '403': { description: 'Key lacks raw access or may not use this provider' },
      '404': { description: 'Provider is absent, disabled, or not raw-enabled' },
      '502': { description: 'The provider could not be reached' },
      default: { description: 'The unmodified upstream response, including non-2xx statuses' },
    },
  });
  return {
    path: '/raw/{provider}/{path}',
    item: {
      parameters: [
        {
          in: 'path',
          name: 'provider',
          required: true,
          schema: { type: 'string' },
          description: 'Raw-enabled provider slug',
        },
        {
          in: 'path',
          name: 'path',
          required: true,
          schema: { type: 'string' },
          description: 'Remaining upstream path (may contain /); the query string is kept',
        },
      ],
      ...Object.fromEntries(RAW_METHODS.map((method) => [method.toLowerCase(), operation(method)])),
    },
  };
}
