import fastifyStatic from '@fastify/static';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { Environment } from '@plexus/config';
import { entityTagOf, evaluateConditionalGet } from '@plexus/core';
import { OVERHEAD_HEADER, RawPassthrough, rawPassthroughOpenApiPath, rawPassthroughRoutes } from '@plexus/ingress';
import { PlexusManagementMcp, plexusMcpRoutes } from '@plexus/management';
import { McpProxyService, McpUsageRecorder, mcpProxyOpenApiPath, mcpProxyRoutes } from '@plexus/mcp';
import { DatabaseEndpoint } from '@plexus/persistence';
import { GatewayMetrics, LogJournal, PlexusLogger } from '@plexus/usage';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AdminAssets } from './admin-assets';
import { AppModule } from './app.module';
import { registerDatabaseOutageGate } from './database-outage.gate';
import { HttpErrorFilter } from './http-error.filter';
import { registerBinaryBodyParser, registerJsonBodyParser, registerMultipartBodyParser } from './json-body.parser';
import { clientErrorHandler, MAX_BODY_LIMIT, registerRequestLimits, serverLimitOptions } from './request-limits';

export interface CreateAppOptions {
  /** Where the built admin console lives; defaults to the build output beside this app. */
  adminRoot?: string;
}

export async function createApp(
  environment: Environment,
  options: CreateAppOptions = {},
): Promise<NestFastifyApplication> {
  // Every request gets a UUID, echoed as x-request-id on every answer (errors included), and
  // used as the usage record's id.
  const adapter = new FastifyAdapter({
    // Per-route body limits, URL, header and timeout limits: request-limits.ts.
    bodyLimit: MAX_BODY_LIMIT,
    ...serverLimitOptions(environment),
    clientErrorHandler,
    forceCloseConnections: true,
    trustProxy: false,
    genReqId: () => randomUUID(),
  });
  registerRequestLimits(adapter.getInstance(), environment);
  adapter.getInstance().addHook('onSend', (request, reply, payload, done) => {
    if (!reply.hasHeader('x-request-id')) void reply.header('x-request-id', request.id);
    // Inference answers that never reached an upstream (count_tokens, model lists, refusals
    // before routing) are all the gateway's own time.
    if (request.url.startsWith('/v1') && !reply.hasHeader(OVERHEAD_HEADER))
      void reply.header(OVERHEAD_HEADER, reply.elapsedTime.toFixed(2));
    done(null, payload);
  });
  // The logger exists before the app so boot is logged too; its journal (runtime level,
  // module filter, recent lines) is what /v0/management/logging and /v0/system/logs serve.
  const logs = LogJournal.fromEnvironment(environment);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(environment, logs), adapter, {
    logger: new PlexusLogger(logs),
    bufferLogs: false,
    // Our own JSON parser replaces Nest's (see json-body.parser.ts).
    bodyParser: false,
  });
  registerJsonBodyParser(app.getHttpAdapter().getInstance());
  registerBinaryBodyParser(app.getHttpAdapter().getInstance());
  registerMultipartBodyParser(app.getHttpAdapter().getInstance());
  app.enableCors({
    origin: '*',
    allowedHeaders: [
      'Content-Type',
      'Authorization',
      'x-api-key',
      'x-admin-key',
      'x-goog-api-key',
      'x-client-request-id',
      'mcp-session-id',
      'mcp-protocol-version',
      'last-event-id',
    ],
    exposedHeaders: [
      'mcp-session-id',
      'www-authenticate',
      'x-request-id',
      'x-client-request-id',
      'x-plexus-overhead-ms',
      'retry-after',
      'x-plexus-quota',
      'x-plexus-quota-limit',
      'x-plexus-quota-remaining',
      'x-plexus-quota-reset',
      'x-plexus-quota-warning',
    ],
  });

  registerDatabaseOutageGate(app.getHttpAdapter().getInstance(), app.get(DatabaseEndpoint));
  await app.register(rawPassthroughRoutes(app.get(RawPassthrough)));
  await app.register(plexusMcpRoutes(app.get(PlexusManagementMcp)));
  await app.register(mcpProxyRoutes(app.get(McpProxyService)));
  app.get(McpUsageRecorder).exposeMetricsIn(app.get(GatewayMetrics).registry);

  const adminAssets = new AdminAssets(options.adminRoot ?? join(__dirname, '..', '..', '..', '..', 'admin', 'browser'));
  app.useGlobalFilters(new HttpErrorFilter(adminAssets));
  if (adminAssets.available) {
    await app.register(fastifyStatic, { root: adminAssets.root, prefix: '/', wildcard: false, index: ['index.html'] });
  }

  // Generated from the code on the first /docs request, not at boot: most gateways are never asked.
  SwaggerModule.setup('docs', app, () => openApiDocument(app), { jsonDocumentUrl: 'docs/openapi.json' });
  serveOpenApiDocument(app);
  return app;
}

/**
 * The public, complete document for tools that discover the API at run time (the
 * reference's CLI does): the committed apps/gateway/openapi.json (kept equal to the
 * generated one by the OpenAPI e2e test), read on the first request; generated only where
 * that file is missing. It is fixed for the process's life, so it is serialized and tagged
 * once; clients revalidate with If-None-Match.
 */
function serveOpenApiDocument(app: NestFastifyApplication): void {
  let served: { body: string; etag: string } | undefined;
  const document = (): { body: string; etag: string } => {
    if (served) return served;
    const committed = committedOpenApiDocument();
    const body = committed ? JSON.stringify(JSON.parse(committed)) : JSON.stringify(openApiDocument(app));
    served = { body, etag: entityTagOf(body) };
    return served;
  };
  app
    .getHttpAdapter()
    .getInstance()
    .get('/.well-known/plexus/openapi.json', (request, reply) => {
      const { body, etag } = document();
      const outcome = evaluateConditionalGet({ etag, ifNoneMatch: request.headers['if-none-match'] });
      if (outcome === 'invalid') {
        return reply.code(400).send({
          error: {
            message: 'If-None-Match must be * or a list of quoted entity tags',
            type: 'invalid_request_error',
          },
        });
      }
      void reply.header('etag', etag).header('cache-control', 'public, no-cache');
      if (outcome === 'not-modified') return reply.code(304).send();
      return reply.type('application/json; charset=utf-8').send(body);
    });
}

/** apps/gateway/openapi.json beside the sources, or beside the build (dist/apps/gateway/apps/gateway/src). */
function committedOpenApiDocument(): string | undefined {
  for (const path of [
    join(__dirname, '..', 'openapi.json'),
    join(__dirname, '..', '..', '..', '..', '..', 'apps', 'gateway', 'openapi.json'),
  ]) {
    if (existsSync(path)) return readFileSync(path, 'utf8');
  }
  return undefined;
}

export function openApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Plexus')
    .setDescription('Universal LLM API gateway: inference endpoints and the /v0/management API')
    .setVersion('0.1.0')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'x-admin-key' }, 'AdminKey')
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'x-api-key',
        description: 'A Plexus API key (also accepted as a Bearer token)',
      },
      'ApiKey',
    )
    .addBearerAuth()
    .build();
  const document = SwaggerModule.createDocument(app, config);
  const raw = rawPassthroughOpenApiPath();
  document.paths[raw.path] = raw.item;
  const mcp = mcpProxyOpenApiPath();
  document.paths[mcp.path] = mcp.item;
  return document;
}
