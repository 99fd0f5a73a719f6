import { createTestDatabase } from '@plexus/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../database/data-source-options';
import { EmbeddedPostgres } from '../database/embedded-postgres';
import type { UsageRow } from './usage.repository';
import { AliasRepository } from './alias.repository';
import { ApiKeyRepository } from './api-key.repository';
import { ProviderRepository } from './provider.repository';
import { StoredResponseRepository } from './stored-response.repository';
import { UsageRepository } from './usage.repository';

interface Backend {
  name: string;
  open(): Promise<{ url: string; poolSize: number; close(): Promise<void> }>;
}

const BACKENDS: Backend[] = [
  {
    name: 'PostgreSQL server',
    async open() {
      const database = await createTestDatabase();
      return { url: database.url, poolSize: 4, close: () => database.drop() };
    },
  },
  {
    name: 'embedded PostgreSQL',
    async open() {
      const embedded = await EmbeddedPostgres.start();
      return { url: embedded.url, poolSize: 1, close: () => embedded.stop() };
    },
  },
];

function usageRow(overrides: Partial<UsageRow> = {}): UsageRow {
  return {
    requestId: randomUUID(),
    clientRequestId: null,
    startTime: new Date(),
    apiKey: 'team',
    attribution: null,
    sourceIp: '127.0.0.1',
    incomingApiType: 'chat',
    outgoingApiType: 'chat',
    incomingModelAlias: 'fast',
    provider: 'mock',
    selectedModelName: 'm',
    isStreamed: false,
    isPassthrough: true,
    responseStatus: 'success',
    httpStatus: 200,
    tokensInput: 10,
    tokensOutput: 5,
    tokensReasoning: 0,
    tokensCached: 0,
    tokensCacheWrite: 0,
    providerReportedCost: null,
    costInput: 0,
    costOutput: 0,
    costCached: 0,
    costCacheWrite: 0,
    costTotal: 0,
    costSource: null,
    durationMs: 12,
    ttftMs: 12,
    tokensPerSec: null,
    attemptCount: 1,
    retryHistory: [],
    finishReason: 'stop',
    errorMessage: null,
    clientDisconnected: false,
    ...overrides,
  };
}

describe.each(BACKENDS)('repositories on $name', (backend) => {
  let close: () => Promise<void>;
  let dataSource: DataSource;

  beforeAll(async () => {
    const opened = await backend.open();
    close = opened.close;
    dataSource = new DataSource(dataSourceOptions({ url: opened.url, poolSize: opened.poolSize }));
    await dataSource.initialize();
    await dataSource.runMigrations();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await close?.();
  });

  it('has run every migration', async () => {
    expect(await dataSource.showMigrations()).toBe(false);
    const tables = await dataSource.query<Array<{ table_name: string }>>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    expect(tables.map((row) => row.table_name)).toEqual(
      expect.arrayContaining(['api_keys', 'model_aliases', 'provider_models', 'providers', 'request_usage']),
    );
  });

  it("keeps a conversation's turns per key, oldest first", async () => {
    const responses = new StoredResponseRepository(dataSource);
    const turn = (id: string, apiKey: string, conversationId: string | null): Promise<void> =>
      responses.insert({
        id,
        apiKey,
        history: { instructions: [], messages: [] },
        response: { id, output: [] },
        conversationId,
        inputItems: [{ type: 'message', id }],
      });
    await turn('resp_1', 'team', 'conv_a');
    await turn('resp_2', 'team', 'conv_a');
    await turn('resp_3', 'other', 'conv_a');
    await turn('resp_4', 'team', null);
    const turns = await responses.findConversation('conv_a', 'team');
    expect(turns.map((record) => record.id)).toEqual(['resp_1', 'resp_2']);
    expect(turns[0]).toMatchObject({ conversationId: 'conv_a', inputItems: [{ type: 'message', id: 'resp_1' }] });
    expect(await responses.find('resp_4', 'team')).toMatchObject({
      conversationId: null,
      inputItems: [{ type: 'message', id: 'resp_4' }],
    });
  });

  it('stores a provider with its models and replaces them on update', async () => {
    const providers = new ProviderRepository(dataSource);
    await providers.upsert({
      slug: 'openai',
      displayName: 'OpenAI',
      apiBaseUrl: { chat: 'https://api.openai.com/v1', responses: 'https://api.openai.com/v1' },
      apiKey: 'sk-1',
      enabled: true,
      settings: { timeoutMs: 5000, headers: { 'x-a': 'b' } },
      models: [
        { name: 'gpt-b', config: { pricing: { source: 'simple', input: 1, output: 2 } } },
        { name: 'gpt-a', config: {} },
      ],
    });
    expect(await providers.findBySlug('openai')).toMatchObject({
      displayName: 'OpenAI',
      apiBaseUrl: { chat: 'https://api.openai.com/v1' },
      settings: { timeoutMs: 5000 },
      models: [{ name: 'gpt-b' }, { name: 'gpt-a' }],
    });

    await providers.upsert({
      slug: 'openai',
      displayName: null,
      apiBaseUrl: 'https://x/v1',
      apiKey: null,
      enabled: false,
      settings: {},
      models: [{ name: 'only', config: {} }],
    });
    const updated = await providers.findBySlug('openai');
    expect(updated).toMatchObject({
      apiBaseUrl: 'https://x/v1',
      enabled: false,
      models: [{ name: 'only', config: {} }],
    });
    expect(await providers.findAll()).toHaveLength(1);

    expect(await providers.delete('openai')).toBe(true);
    expect(await providers.findBySlug('openai')).toBeNull();
    const orphans = await dataSource.query<unknown[]>('SELECT * FROM provider_models');
    expect(orphans).toHaveLength(0);
  });

  it('stores aliases with their target groups', async () => {
    const aliases = new AliasRepository(dataSource);
    const record = {
      slug: 'team/fast',
      aliasType: 'text',
      priority: 'api_match',
      targetGroups: [{ name: 'g', selector: 'cost', targets: [{ provider: 'p', model: 'm', enabled: false }] }],
      additionalAliases: ['quick'],
      settings: { sticky_session: true },
    };
    await aliases.upsert(record);
    await aliases.upsert({ ...record, priority: 'selector' });
    expect(await aliases.findBySlug('team/fast')).toEqual({ ...record, priority: 'selector', managed: false });
    expect(await aliases.delete('team/fast')).toBe(true);
    expect(await aliases.delete('team/fast')).toBe(false);
  });

  it('keeps API keys unique by secret hash', async () => {
    const keys = new ApiKeyRepository(dataSource);
    const base = {
      secret: 's',
      secretHash: 'a'.repeat(64),
      comment: null,
      policy: { allowedModels: ['x'] },
      expiresAt: null,
      disabledAt: null,
    };
    await keys.upsert({ ...base, name: 'one' });
    await expect(keys.upsert({ ...base, name: 'two' })).rejects.toThrow();
    const disabledAt = new Date('2026-01-01T00:00:00Z');
    await keys.upsert({ ...base, name: 'one', disabledAt });
    expect(await keys.findByName('one')).toMatchObject({ policy: { allowedModels: ['x'] }, disabledAt });
  });

  it('inserts usage rows in one batch and ignores a re-delivered row', async () => {
    const usage = new UsageRepository(dataSource);
    const rows = Array.from({ length: 250 }, (_, index) => usageRow({ tokensOutput: index }));
    await usage.insertMany(rows);
    await usage.insertMany([rows[0]]);
    const { total, rows: page } = await usage.find({ limit: 10, offset: 0, apiKey: 'team' });
    expect(total).toBe(250);
    expect(page).toHaveLength(10);
    expect(await usage.findById(rows[42].requestId)).toMatchObject({ tokensOutput: 42, retryHistory: [] });
  });
});
