import type { FastifyPluginCallback } from 'fastify';
import type { McpProxyService } from './proxy/mcp-proxy.service';

/**
 * Registers `/mcp/{name}` on the Fastify instance itself, in its own encapsulated
 * context, outside Nest's router and the management API's guards and interceptors: the
 * body stays the bytes the client sent (the proxy relays them as they are).
 */
export function mcpProxyRoutes(proxy: McpProxyService): FastifyPluginCallback {
  return (fastify, _options, done) => {
    fastify.removeAllContentTypeParsers();
    fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    fastify.route({
      method: ['GET', 'POST', 'DELETE'],
      url: '/mcp/:name',
      handler: (request, reply) => proxy.handle(request, reply),
    });
    done();
  };
}

/** The route's OpenAPI path item (it lives outside Nest's router, where @nestjs/swagger can't see it). */
export function mcpProxyOpenApiPath(): { path: string; item: Record<string, unknown> } {
  const operation = (method: string, summary: string): Record<string, unknown> => ({
    tags: ['MCP Proxy'],
    summary,
    operationId: `mcpProxy${method}`,
    security: [{ ApiKey: [] }],
    responses: {
      '200': { description: 'The MCP server answer: JSON or an event stream, as the server chose' },
      '401': {
        description: 'Missing or invalid Plexus API key (WWW-Authenticate names the protected-resource metadata)',
      },
      '403': { description: 'The key may not use this MCP server' },
      '404': { description: 'No such MCP server, or an unknown session' },
      '502': { description: 'The MCP server could not be reached (upstream_error)' },
      '504': { description: 'The MCP server did not answer in time (upstream_timeout)' },
    },
  });
  return {
    path: '/mcp/{name}',
    item: {
      parameters: [{ in: 'path', name: 'name', required: true, schema: { type: 'string' } }],
      post: operation('Post', 'Send JSON-RPC messages to an MCP server (Streamable HTTP)'),
      get: operation('Get', "Open the MCP server's stream of server-to-client messages"),
      delete: operation('Delete', 'End an MCP session'),
    },
  };
}
