import { startGateway, type GatewayProcess } from '@plexus/testing';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The committed document admin clients are generated from; `npm run openapi:update` rewrites it. */
const COMMITTED = join(__dirname, '..', 'openapi.json');

function canonicalJson(value: unknown): string {
  return `${JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => a.localeCompare(b)))
      : inner,
  2)}\n`;
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

  it('is the document the gateway serves', async () => {
    const served = canonicalJson(await (await fetch(`${gateway.url}/docs/openapi.json`)).json());
    if (process.env['UPDATE_OPENAPI'] === '1') writeFileSync(COMMITTED, served);
    expect(readFileSync(COMMITTED, 'utf8')).toBe(served);
  });
});
