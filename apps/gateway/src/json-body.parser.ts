import { errorCodes, type FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';

/**
 * Fastify's JSON parser, except that an empty body is no body: scripts commonly send
 * `content-type: application/json` on DELETE and POST requests that carry nothing.
 * Prototype poisoning is still refused, as by Fastify's own parser.
 */
export function registerJsonBodyParser(fastify: FastifyInstance): void {
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string;
    if (text.length === 0) {
      done(null, undefined);
      return;
    }
    try {
      done(null, secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }));
    } catch {
      done(new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY(), undefined);
    }
  });
}

/** Backup archives (`POST /v0/management/restore` with a full backup) arrive as bytes. */
export function registerBinaryBodyParser(fastify: FastifyInstance): void {
  fastify.addContentTypeParser(
    ['application/gzip', 'application/x-gzip', 'application/octet-stream'],
    { parseAs: 'buffer' },
    (_request, body, done) => {
      done(null, body);
    },
  );
}

/**
 * Uploads (`/v1/audio/transcriptions`, `/v1/images/edits`) arrive as multipart/form-data;
 * they are buffered within the app's body limit and parsed by the route, which relays
 * them to the upstream as multipart again.
 */
export function registerMultipartBodyParser(fastify: FastifyInstance): void {
  fastify.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, (_request, body, done) => {
    done(null, body);
  });
}
