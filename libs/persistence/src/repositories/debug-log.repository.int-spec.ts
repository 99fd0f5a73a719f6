import { createTestDatabase } from '@plexus/testing';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../database/data-source-options';
import { EmbeddedPostgres } from '../database/embedded-postgres';
import { DebugLogRepository } from './debug-log.repository';

const BACKENDS = [
  {
    name: 'PostgreSQL server',
    async open(): Promise<{ url: string; poolSize: number; close(): Promise<void> }> {
      const database = await createTestDatabase();
      return { url: database.url, poolSize: 2, close: () => database.drop() };
    },
  },
  {
    name: 'embedded PostgreSQL',
    async open(): Promise<{ url: string; poolSize: number; close(): Promise<void> }> {
      const embedded = await EmbeddedPostgres.start();
      return { url: embedded.url, poolSize: 1, close: () => embedded.stop() };
    },
  },
];

const id = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe.each(BACKENDS)('DebugLogRepository on $name', (backend) => {
  let dataSource: DataSource;
  let drop: () => Promise<void>;
  let logs: DebugLogRepository;

  beforeAll(async () => {
    const opened = await backend.open();
    drop = () => opened.close();
    dataSource = new DataSource(dataSourceOptions({ url: opened.url, poolSize: opened.poolSize }));
    await dataSource.initialize();
    await dataSource.runMigrations();
    logs = new DebugLogRepository(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await drop?.();
  });

  beforeEach(async () => {
    await logs.deleteAll();
  });

  async function insert(n: number, apiKey: string): Promise<void> {
    await logs.insert({ requestId: id(n), apiKey, alias: 'smart', provider: 'openai', trace: { requestId: id(n), n } });
    // Distinct creation times, so "newest" is well defined.
    await dataSource.query(`UPDATE debug_logs SET created_at = $2 WHERE request_id = $1`, [
      id(n),
      new Date(Date.UTC(2030, 0, 1, 0, 0, n)),
    ]);
  }

  it('stores a trace as JSON and finds it by request id, scoped to a key when asked', async () => {
    await insert(1, 'alpha');
    expect(await logs.find(id(1))).toMatchObject({
      requestId: id(1),
      apiKey: 'alpha',
      trace: { requestId: id(1), n: 1 },
    });
    expect(await logs.find(id(1), 'alpha')).not.toBeNull();
    expect(await logs.find(id(1), 'beta')).toBeNull();
  });

  it('lists newest first with paging and a key filter, and tells which requests have a trace', async () => {
    for (let n = 1; n <= 5; n++) await insert(n, n % 2 === 0 ? 'alpha' : 'beta');
    const page = await logs.list({ limit: 2, offset: 1 });
    expect(page.total).toBe(5);
    expect(page.rows.map((row) => row.requestId)).toEqual([id(4), id(3)]);
    expect((await logs.list({ limit: 10, offset: 0, apiKey: 'alpha' })).rows.map((row) => row.requestId)).toEqual([
      id(4),
      id(2),
    ]);
    expect(await logs.existing([id(1), id(9)])).toEqual(new Set([id(1)]));
    expect(await logs.existing([])).toEqual(new Set());
  });

  it('prunes to the newest traces and deletes one or all', async () => {
    for (let n = 1; n <= 6; n++) await insert(n, 'alpha');
    expect(await logs.pruneTo(4)).toBe(2);
    expect((await logs.list({ limit: 10, offset: 0 })).rows.map((row) => row.requestId)).toEqual([
      id(6),
      id(5),
      id(4),
      id(3),
    ]);
    expect(await logs.delete(id(6))).toBe(true);
    expect(await logs.delete(id(6))).toBe(false);
    expect(await logs.deleteAll()).toBe(3);
  });

  it('replaces the trace when the same request is stored again', async () => {
    await insert(1, 'alpha');
    await logs.insert({
      requestId: id(1),
      apiKey: 'alpha',
      alias: 'smart',
      provider: 'openai',
      trace: { second: true },
    });
    expect((await logs.find(id(1)))?.trace).toEqual({ second: true });
  });
});
