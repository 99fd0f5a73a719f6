import { startGateway, type GatewayProcess } from '@plexus/testing';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The committed document admin clients are generated from; `npm run openapi:update` rewrites it. */
const COMMITTED = join(__dirname, '..', 'openapi.json');

function canonicalJson(value: unknown): string {
  return `${JSON.stringify(
    value,
    (_key, inner: unknown) =>
      inner && typeof inner === 'object' && !Array.isArray(inner)
        ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => a.localeCompare(b)))
        : inner,
    2,
  )}\n`;
}

type QueryType = 'string' | 'integer' | 'boolean' | readonly string[];

/**
 * The query parameters of the reference contract (plexus-openapi `paths/`) on the routes we serve:
 * name and type, or the enum. Generated clients can only send what the document declares.
 */
const REFERENCE_QUERY_PARAMETERS: Record<string, Record<string, QueryType>> = {
  'GET /v1/metadata/search': { source: ['openrouter', 'models.dev', 'catwalk'], q: 'string', limit: 'integer' },
  'GET /v1/metadata/lookup': { source: ['openrouter', 'models.dev', 'catwalk'], source_path: 'string' },
  'GET /v0/management/self/me': { keyName: 'string' },
  'POST /v0/management/self/rotate': { keyName: 'string' },
  'PATCH /v0/management/self/comment': { keyName: 'string' },
  'POST /v0/management/self/debug/toggle': { keyName: 'string' },
  'GET /v0/management/self/quota': { keyName: 'string' },
  'DELETE /v0/management/providers/{slug}': { cascade: ['true', 'false'] },
  'GET /v0/management/usage': {
    limit: 'integer',
    offset: 'integer',
    sortBy: ['date', 'apiKey', 'provider', 'incomingModelAlias', 'costTotal', 'durationMs'],
    sortDir: ['asc', 'desc'],
    startDate: 'string',
    endDate: 'string',
    apiKey: 'string',
    attribution: 'string',
    incomingApiType: 'string',
    provider: 'string',
    incomingModelAlias: 'string',
    selectedModelName: 'string',
    outgoingApiType: 'string',
    responseStatus: ['success', 'error', 'pending', 'cancelled', 'timeout', 'stall'],
    minDurationMs: 'integer',
    maxDurationMs: 'integer',
    fields: 'string',
  },
  'DELETE /v0/management/usage': { olderThanDays: 'integer' },
  'GET /v0/management/usage/summary': {
    range: ['hour', 'day', 'week', 'month', 'custom'],
    startDate: 'string',
    endDate: 'string',
  },
  'GET /v0/management/concurrency': {
    mode: ['live', 'timeline'],
    timeRange: ['hour', 'day', 'week', 'month', 'custom'],
    groupBy: ['provider', 'model'],
    startDate: 'string',
    endDate: 'string',
  },
  'GET /v0/management/debug/logs': { limit: 'integer', offset: 'integer' },
  'GET /v0/management/errors': { limit: 'integer', offset: 'integer' },
  'DELETE /v0/management/cooldowns/{provider}': { model: 'string' },
  'GET /v0/management/performance': { provider: 'string', model: 'string' },
  'DELETE /v0/management/performance': { model: 'string' },
  'GET /v0/management/quotas/{checkerId}/history': { meterKey: 'string', since: 'string' },
  'GET /v0/management/backup': { full: 'boolean' },
  'GET /v0/system/logs/recent': { limit: 'integer', offset: 'integer' },
};

/** Ours on top of the reference's. */
const OUR_QUERY_PARAMETERS: Record<string, Record<string, QueryType>> = {
  'GET /v0/management/usage/summary': {
    bucket: ['minute', 'hour', 'day', 'week', 'month'],
    limit: 'integer',
    apiKey: 'string',
  },
  'GET /v0/management/audit': { limit: 'integer', offset: 'integer', actor: 'string' },
};

interface QueryParameter {
  name: string;
  in: string;
  schema?: { type?: string; enum?: string[] };
}

type OpenApiDocument = { paths: Record<string, Record<string, { parameters?: QueryParameter[] }>> };

function declaredQuery(document: OpenApiDocument, route: string): Record<string, QueryType | undefined> {
  const [method, path] = route.split(' ') as [string, string];
  const operation = document.paths[path]?.[method.toLowerCase()];
  if (!operation) throw new Error(`${route} is not in the document`);
  return Object.fromEntries(
    (operation.parameters ?? [])
      .filter((parameter) => parameter.in === 'query')
      .map((parameter) => [
        parameter.name,
        parameter.schema?.enum ?? (parameter.schema?.type as QueryType | undefined),
      ]),
  );
}

describe('the committed OpenAPI document', () => {
  let dataDir: string;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'plexus-openapi-'));
    gateway = await startGateway({ ADMIN_KEY: 'openapi-admin', DATA_DIR: dataDir });
  });

  afterAll(async () => {
    await gateway?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const expectedRoutes = [
    ...new Set([...Object.keys(REFERENCE_QUERY_PARAMETERS), ...Object.keys(OUR_QUERY_PARAMETERS)]),
  ];
  it.each(expectedRoutes)('declares the query parameters of %s', async (route) => {
    const parameters = { ...REFERENCE_QUERY_PARAMETERS[route], ...OUR_QUERY_PARAMETERS[route] };
    const document = (await (await fetch(`${gateway.url}/docs/openapi.json`)).json()) as OpenApiDocument;
    expect(declaredQuery(document, route)).toMatchObject(parameters);
  });

  it.each([
    ['/v0/management/usage?limit=0', 'limit', 'min'],
    ['/v0/management/usage?sortBy=cost', 'sortBy', 'isIn'],
    ['/v0/management/usage?responseStatus=ok', 'responseStatus', 'isIn'],
    ['/v0/management/usage?startDate=yesterday', 'startDate', 'isDateString'],
    ['/v0/management/usage/summary?range=year', 'range', 'isIn'],
    ['/v0/management/usage/summary?bucket=second', 'bucket', 'isIn'],
    ['/v0/management/usage/summary?limit=101', 'limit', 'max'],
    ['/v0/management/errors?offset=-1', 'offset', 'min'],
    ['/v0/management/debug/logs?limit=1.5', 'limit', 'isInt'],
    ['/v0/system/logs/recent?limit=5000', 'limit', 'max'],
  ])('refuses %s with the field and the reason', async (path, field, code) => {
    const response = await fetch(`${gateway.url}${path}`, { headers: { 'x-admin-key': 'openapi-admin' } });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: 'Validation failed',
      details: [expect.objectContaining({ path: [field], code })],
    });
  });

  it('is what /.well-known/plexus/openapi.json serves, without generating it', async () => {
    const served = canonicalJson(await (await fetch(`${gateway.url}/.well-known/plexus/openapi.json`)).json());
    expect(served).toBe(readFileSync(COMMITTED, 'utf8'));
  });

  it('is the document the gateway serves', async () => {
    const served = canonicalJson(await (await fetch(`${gateway.url}/docs/openapi.json`)).json());
    if (process.env['UPDATE_OPENAPI'] === '1') writeFileSync(COMMITTED, served);
    expect(readFileSync(COMMITTED, 'utf8')).toBe(served);
  });
});
