import { createTestDatabase, type TestDatabase } from '@plexus/testing';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../database/data-source-options';
import { ProviderRepository } from '../repositories/provider.repository';
import { SystemSettingsRepository } from '../repositories/system-settings.repository';
import { MCP_SERVERS_SETTING } from './mcp-server-secrets';
import { SecretCipher, SecretCipherError, useSecretCipher } from './secret-cipher';
import { reconcileSecretsAtRest, rekeySecrets } from './secrets-at-rest';

const OLD_KEY = new SecretCipher('b2'.repeat(32));
const NEW_KEY = new SecretCipher('c3'.repeat(32));
const PLAIN_SECRETS = /sk-upstream-0001|naga-prov-0002|mm-session-0003|hdr-upstream-0004|ghp-mcp-0005|env-mcp-0006/;
const MCP_SERVERS = {
  gh: {
    mode: 'remote_http',
    upstream_url: 'https://mcp.example.com/mcp',
    headers: { Authorization: 'Bearer ghp-mcp-0005' },
  },
  local: { mode: 'stdio', command: 'npx', env: { API_KEY: 'env-mcp-0006' } },
};

describe('provider and MCP server secrets at rest (PostgreSQL)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  const providerRow = async (): Promise<string> =>
    JSON.stringify([
      await dataSource.query(`SELECT api_key, settings FROM providers WHERE slug = 'naga'`),
      await dataSource.query(`SELECT value FROM system_settings WHERE key = $1`, [MCP_SERVERS_SETTING]),
    ]);

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = new DataSource(dataSourceOptions({ url: database.url, poolSize: 2 }));
    await dataSource.initialize();
    await dataSource.runMigrations();
    useSecretCipher(new SecretCipher());
    await new ProviderRepository(dataSource).upsert({
      slug: 'naga',
      displayName: null,
      apiBaseUrl: 'https://api.naga.ac/v1',
      apiKey: 'sk-upstream-0001',
      enabled: true,
      settings: {
        headers: { 'X-Upstream-Auth': 'hdr-upstream-0004' },
        quota_checker: {
          type: 'naga',
          options: { provisioningKey: 'naga-prov-0002', token: 'mm-session-0003', max: 10 },
        },
      },
      models: [],
    });
    await new SystemSettingsRepository(dataSource).set(MCP_SERVERS_SETTING, MCP_SERVERS);
  }, 60_000);

  afterAll(async () => {
    useSecretCipher(new SecretCipher());
    await dataSource?.destroy();
    await database?.drop();
  });

  it('encrypts plaintext left from before ENCRYPTION_KEY, re-keys them, and reads them back in the clear', async () => {
    expect(await providerRow()).toMatch(PLAIN_SECRETS);

    expect(await reconcileSecretsAtRest(dataSource, OLD_KEY)).toBe(6);
    const encrypted = await providerRow();
    expect(encrypted).not.toMatch(PLAIN_SECRETS);
    expect(encrypted.match(/enc:v1:/g)).toHaveLength(6);
    expect(encrypted).toContain('https://mcp.example.com/mcp');
    expect(encrypted).toContain('"max":10');
    expect(await reconcileSecretsAtRest(dataSource, OLD_KEY)).toBe(0);
    await expect(reconcileSecretsAtRest(dataSource, new SecretCipher())).rejects.toThrow(SecretCipherError);

    expect(await rekeySecrets(dataSource, OLD_KEY, NEW_KEY)).toBe(6);
    expect(await providerRow()).not.toMatch(PLAIN_SECRETS);
    useSecretCipher(OLD_KEY);
    await expect(new ProviderRepository(dataSource).findBySlug('naga')).rejects.toThrow(SecretCipherError);

    useSecretCipher(NEW_KEY);
    const record = await new ProviderRepository(dataSource).findBySlug('naga');
    expect(record?.apiKey).toBe('sk-upstream-0001');
    expect(record?.settings['headers']).toEqual({ 'X-Upstream-Auth': 'hdr-upstream-0004' });
    expect(await new SystemSettingsRepository(dataSource).get(MCP_SERVERS_SETTING)).toEqual(MCP_SERVERS);
    expect(record?.settings['quota_checker']).toEqual({
      type: 'naga',
      options: { provisioningKey: 'naga-prov-0002', token: 'mm-session-0003', max: 10 },
    });
  });
});
