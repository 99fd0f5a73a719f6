import { createTestDatabase } from '@plexus/testing';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../database/data-source-options';
import { EmbeddedPostgres } from '../database/embedded-postgres';
import { CooldownRepository, type CooldownRecord } from './cooldown.repository';
import { SystemSettingsRepository } from './system-settings.repository';

function cooldown(overrides: Partial<CooldownRecord> = {}): CooldownRecord {
  return {
    provider: 'openai',
    model: 'gpt-4o',
    expiresAt: new Date('2030-01-01T00:02:00Z'),
    consecutiveFailures: 1,
    lastError: 'upstream returned 429',
    updatedAt: new Date('2030-01-01T00:00:00Z'),
    ...overrides,
  };
}

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

describe.each(BACKENDS)('cooldown and settings repositories on $name', (backend) => {
  let dataSource: DataSource;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const opened = await backend.open();
    drop = () => opened.close();
    dataSource = new DataSource(dataSourceOptions({ url: opened.url, poolSize: opened.poolSize }));
    await dataSource.initialize();
    await dataSource.runMigrations();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await drop?.();
  });

  describe('CooldownRepository', () => {
    let cooldowns: CooldownRepository;

    beforeAll(() => {
      cooldowns = new CooldownRepository(dataSource);
    });

    beforeEach(async () => {
      await cooldowns.deleteAll();
    });

    it('creates the provider_cooldowns table keyed by provider and model', async () => {
      const columns = await dataSource.query<Array<{ column_name: string }>>(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'provider_cooldowns' ORDER BY ordinal_position",
      );
      expect(columns.map((column) => column.column_name)).toEqual([
        'provider',
        'model',
        'expires_at',
        'consecutive_failures',
        'last_error',
        'updated_at',
      ]);
      const key = await dataSource.query<Array<{ column_name: string }>>(
        `SELECT a.attname AS column_name FROM pg_index i
         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
         WHERE i.indrelid = 'provider_cooldowns'::regclass AND i.indisprimary ORDER BY a.attname`,
      );
      expect(key.map((column) => column.column_name)).toEqual(['model', 'provider']);
    });

    it('upserts one row per provider+model and reads it back', async () => {
      await cooldowns.upsert(cooldown());
      await cooldowns.upsert(
        cooldown({ consecutiveFailures: 2, expiresAt: new Date('2030-01-01T00:04:00Z'), lastError: null }),
      );
      await cooldowns.upsert(cooldown({ model: '' }));
      expect(await cooldowns.findAll()).toEqual([
        cooldown({ model: '' }),
        cooldown({ consecutiveFailures: 2, expiresAt: new Date('2030-01-01T00:04:00Z'), lastError: null }),
      ]);
    });

    it('deletes one pair, one provider, or everything', async () => {
      await cooldowns.upsert(cooldown());
      await cooldowns.upsert(cooldown({ model: 'gpt-4o-mini' }));
      await cooldowns.upsert(cooldown({ model: '' }));
      await cooldowns.upsert(cooldown({ provider: 'anthropic', model: 'claude' }));

      expect(await cooldowns.delete('openai', '')).toBe(true);
      expect(await cooldowns.delete('openai', '')).toBe(false);
      expect((await cooldowns.findAll()).map((row) => `${row.provider}/${row.model}`)).toEqual([
        'anthropic/claude',
        'openai/gpt-4o',
        'openai/gpt-4o-mini',
      ]);
      expect(await cooldowns.deleteProvider('openai')).toBe(2);
      expect(await cooldowns.deleteAll()).toBe(1);
      expect(await cooldowns.findAll()).toEqual([]);
    });

    it('prunes rows whose cooldown ended before a cutoff', async () => {
      await cooldowns.upsert(cooldown({ model: 'old', expiresAt: new Date('2020-01-01T00:00:00Z') }));
      await cooldowns.upsert(cooldown({ model: 'recent' }));
      expect(await cooldowns.deleteExpiredBefore(new Date('2025-01-01T00:00:00Z'))).toBe(1);
      expect((await cooldowns.findAll()).map((row) => row.model)).toEqual(['recent']);
    });
  });

  describe('SystemSettingsRepository', () => {
    let settings: SystemSettingsRepository;

    beforeAll(() => {
      settings = new SystemSettingsRepository(dataSource);
    });

    it('stores JSON values of any shape by key and replaces them', async () => {
      expect(await settings.get('cooldown')).toBeUndefined();
      await settings.set('cooldown', { initialMinutes: 0.5, maxMinutes: 10 });
      await settings.set('flag', false);
      await settings.set('list', ['ECONNRESET']);
      await settings.set('nothing', null);
      expect(await settings.get('cooldown')).toEqual({ initialMinutes: 0.5, maxMinutes: 10 });
      expect(await settings.get('flag')).toBe(false);
      expect(await settings.get('nothing')).toBeNull();

      await settings.set('cooldown', { initialMinutes: 1, maxMinutes: 20 });
      const all = await settings.findAll();
      expect(all.map((row) => [row.key, row.value])).toEqual([
        ['cooldown', { initialMinutes: 1, maxMinutes: 20 }],
        ['flag', false],
        ['list', ['ECONNRESET']],
        ['nothing', null],
      ]);
      expect(all[0]?.updatedAt).toBeInstanceOf(Date);

      expect(await settings.delete('flag')).toBe(true);
      expect(await settings.get('flag')).toBeUndefined();
    });
  });
});
