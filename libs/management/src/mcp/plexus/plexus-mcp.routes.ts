import type { FastifyPluginCallback } from 'fastify';
import type { PlexusManagementMcp } from './plexus-mcp.service';

/** `/mcp/plexus` on the Fastify instance (before `/mcp/{name}` in the router: a static path wins), outside Nest's interceptors. */
export function plexusMcpRoutes(mcp: PlexusManagementMcp): FastifyPluginCallback {
  return (fastify, _options, done) => {
    fastify.removeAllContentTypeParsers();
    fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    fastify.route({
      method: ['GET', 'POST', 'DELETE'],
      url: '/mcp/plexus',
      handler: (request, reply) => mcp.handle(request, reply),
    });
    done();
  };
}
