import { createTestDatabase, startGateway, type GatewayProcess, type TestDatabase } from '@plexus/testing';
import { Client } from 'pg';
import { gzipSync } from 'node:zlib';
import { pack as tarPack } from 'tar-stream';

const ADMIN_KEY = 'backup-streaming-admin';
const USAGE_ROWS = 1_000_000;

async function tarOf(entries: Array<[name: string, content: Buffer | string]>): Promise<Buffer> {
  const pack = tarPack();
  for (const [name, content] of entries) pack.entry({ name }, content);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Full backups stream (PostgreSQL COPY -> gzip -> tar -> gzip -> HTTP) and restores are
 * bounded: an archive that expands without end, or is cut short, is refused and changes
 * nothing; backing up a million usage rows leaves the gateway's memory where it was.
 */
describe('streamed full backups and bounded restores', () => {
  let database: TestDatabase;
  let gateway: GatewayProcess;
  let sql: Client;

  const admin = (path: string, init: RequestInit = {}): Promise<Response> =>
    fetch(`${gateway.url}/v0/management${path}`, {
      ...init,
      headers: { 'x-admin-key': ADMIN_KEY, ...(init.headers as Record<string, string> | undefined) },
    });

  const state = async (): Promise<unknown> => ({
    config: await (await admin('/config/export')).json(),
    usage: (await sql.query<{ n: string }>('SELECT count(*)::text AS n FROM request_usage')).rows[0]?.n,
  });

  const restore = (archive: Buffer): Promise<Response> =>
    admin('/restore', { method: 'POST', headers: { 'content-type': 'application/gzip' }, body: archive });

  const rss = async (): Promise<number> => {
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    return Number(/^plexus_process_(?:process_)?resident_memory_bytes (\d+)/m.exec(text)?.[1]);
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    gateway = await startGateway({ ADMIN_KEY, DATABASE_URL: database.url, USAGE_RETENTION_DAYS: '0' }, 90_000);
    sql = new Client({ connectionString: database.url });
    await sql.connect();
    await admin('/keys/team', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ secret: 'sk-backup-streaming-team' }),
    });
    await sql.query(
      `INSERT INTO request_usage (request_id, start_time, incoming_api_type, response_status, tokens_input, tokens_output)
       SELECT gen_random_uuid(), now() - g * interval '1 second', 'chat', 'success', g % 1000, g % 300
         FROM generate_series(1, 3) g`,
    );
  }, 120_000);

  afterAll(async () => {
    await sql?.end();
    await gateway?.stop();
    await database?.drop();
  });

  it('refuses a decompression bomb with 400 and changes nothing', async () => {
    const before = await state();
    const config = await (await admin('/backup')).text();
    // 24 MiB of zeros as one "value" (past the 16 MB record cap), in about 25 KB of nested gzip.
    const bomb = gzipSync(
      await tarOf([
        ['config.json', config],
        ['request_usage.csv.gz', gzipSync(Buffer.alloc(24 * 1024 * 1024))],
      ]),
    );
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const refused = await restore(bomb);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: { message: expect.stringMatching(/Invalid backup archive/) } });
    expect(await state()).toEqual(before);
    expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
  }, 120_000);

  it('refuses a truncated gzip with 400 and changes nothing', async () => {
    const full = Buffer.from(await (await admin('/backup?full=true')).arrayBuffer());
    expect(full[0]).toBe(0x1f);
    await sql.query('DELETE FROM request_usage WHERE tokens_input = 1');
    const before = await state();
    const refused = await restore(full.subarray(0, full.length - 16));
    expect(refused.status).toBe(400);
    expect(await state()).toEqual(before);
    // The whole archive restores what the cut one could not.
    expect((await restore(full)).status).toBe(200);
    expect(await state()).not.toEqual(before);
  }, 120_000);

  it(`backs up ${USAGE_ROWS} usage rows within 100 MB of the gateway's resident memory`, async () => {
    await sql.query(
      `INSERT INTO request_usage (request_id, start_time, incoming_api_type, response_status, provider,
                                  selected_model_name, tokens_input, tokens_output, cost_total)
       SELECT gen_random_uuid(), now() - g * interval '1 second', 'chat', 'success', 'provider-' || (g % 7),
              'model-' || (g % 13), g % 1000, g % 300, (g % 100) / 1000.0
         FROM generate_series(1, ${USAGE_ROWS}) g`,
    );
    const baseline = await rss();
    let peak = baseline;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, await rss());
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })();
    const response = await admin('/backup?full=true');
    expect(response.status).toBe(200);
    let bytes = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
    sampling = false;
    await sampler;
    expect(bytes).toBeGreaterThan(1024 * 1024);
    expect(peak - baseline).toBeLessThan(100 * 1024 * 1024);
  }, 300_000);
});
