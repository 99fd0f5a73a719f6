import type { DatabaseEndpoint } from '@plexus/persistence';
import type { FastifyInstance, FastifyReply } from 'fastify';

const MESSAGE = 'The gateway database is restarting; retry shortly';
const RETRY_AFTER_SECONDS = '2';

/**
 * While the embedded database server is down (it is being restarted), inference is
 * refused at once with a 503 in the client's own error format, instead of failing
 * half-way on a key lookup or a quota check; /ready says the same. Requests already under
 * way finish, and their usage rows wait in the recorder's buffer.
 */
export function registerDatabaseOutageGate(fastify: FastifyInstance, endpoint: DatabaseEndpoint): void {
  const embedded = endpoint.embedded;
  if (!embedded) return;
  fastify.addHook('onRequest', (request, reply, done) => {
    if (embedded.available || !isInference(request.url)) return done();
    void refuse(request.url, reply);
  });
}

function isInference(url: string): boolean {
  return url.startsWith('/v1/') || url.startsWith('/v1beta/') || url.startsWith('/raw/');
}

function refuse(url: string, reply: FastifyReply): FastifyReply {
  void reply.code(503).header('retry-after', RETRY_AFTER_SECONDS);
  if (url.startsWith('/v1beta/')) return reply.send({ error: { code: 503, message: MESSAGE, status: 'UNAVAILABLE' } });
  if (url.startsWith('/v1/messages'))
    return reply.send({ type: 'error', error: { type: 'api_error', message: MESSAGE } });
  return reply.send({ error: { message: MESSAGE, type: 'service_unavailable', code: 'database_unavailable' } });
}
