import { ConfigTransferService } from '@plexus/management';
import {
  ApiKeyRepository,
  ProviderRepository,
  SecretCipher,
  dataSourceOptions,
  useSecretCipher,
} from '@plexus/persistence';
import { createTestDatabase, type TestDatabase } from '@plexus/testing';
import { createCipheriv, randomBytes, scryptSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { runConfigTransferCommand } from './config-transfer.command';

const PLEXUS_PASSPHRASE = 'the passphrase plexus was started with';

/** A secret as the Plexus gateway stores it with ENCRYPTION_KEY: `enc:v1:<iv>:<tag>:<ciphertext>`, hex. */
function plexusEncrypt(plain: string): string {
  const key = scryptSync(PLEXUS_PASSPHRASE, 'plexus-encryption-key-derivation', 32, { N: 16384 });
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return `enc:v1:${iv.toString('hex')}:${cipher.getAuthTag().toString('hex')}:${body.toString('hex')}`;
}

/** The configuration tables of the Plexus gateway's schema (its drizzle schema, SQLite and PostgreSQL flavours). */
function plexusSchema(dialect: 'sqlite' | 'postgres'): string[] {
  const id = dialect === 'sqlite' ? 'integer PRIMARY KEY AUTOINCREMENT' : 'serial PRIMARY KEY';
  const json = dialect === 'sqlite' ? 'text' : 'jsonb';
  const flag = dialect === 'sqlite' ? 'integer NOT NULL DEFAULT 0' : 'boolean NOT NULL DEFAULT false';
  const on = dialect === 'sqlite' ? 'integer NOT NULL DEFAULT 1' : 'boolean NOT NULL DEFAULT true';
  return [
    `CREATE TABLE oauth_credentials (id ${id}, oauth_provider_type text NOT NULL, account_id text NOT NULL, access_token text, refresh_token text, expires_at bigint)`,
    `CREATE TABLE providers (id ${id}, slug text NOT NULL UNIQUE, display_name text, api_base_url ${json}, api_key text, oauth_provider_type text,
      enabled ${on}, disable_cooldown ${flag}, discount real, estimate_tokens ${flag}, headers text, extra_body text, timeout_ms integer,
      max_concurrency integer, quota_checker_type text, quota_checker_id text, quota_checker_enabled ${on}, quota_checker_interval integer NOT NULL DEFAULT 30,
      quota_checker_options text, created_at bigint NOT NULL, updated_at bigint NOT NULL)`,
    `CREATE TABLE provider_models (id ${id}, provider_id integer NOT NULL, model_name text NOT NULL, pricing_config text, model_type text,
      access_via text, extra_body text, sort_order integer NOT NULL DEFAULT 0)`,
    `CREATE TABLE model_aliases (id ${id}, slug text NOT NULL UNIQUE, selector text, priority text NOT NULL DEFAULT 'selector', model_type text,
      additional_aliases text, sticky_session ${flag}, target_groups text, extra_body text, created_at bigint NOT NULL, updated_at bigint NOT NULL)`,
    `CREATE TABLE model_alias_targets (id ${id}, alias_id integer NOT NULL, provider_slug text, model_name text, target_alias_slug text,
      enabled ${on}, group_name text, sort_order integer NOT NULL DEFAULT 0)`,
    `CREATE TABLE api_keys (id ${id}, name text NOT NULL UNIQUE, secret text NOT NULL, secret_hash text, comment text, quota_name text, quota_names text,
      allowed_models text, allowed_providers text, excluded_models text, excluded_providers text, allowed_ips text, allow_raw_passthrough ${flag},
      expires_at bigint, disabled_at bigint, created_at bigint NOT NULL, updated_at bigint NOT NULL)`,
    `CREATE TABLE user_quota_definitions (id ${id}, name text NOT NULL UNIQUE, quota_type text NOT NULL, limit_type text NOT NULL,
      limit_value integer NOT NULL, duration text, created_at bigint NOT NULL, updated_at bigint NOT NULL)`,
    `CREATE TABLE mcp_servers (id ${id}, name text NOT NULL UNIQUE, upstream_url text NOT NULL, enabled ${on}, headers text,
      mode text NOT NULL DEFAULT 'remote_http', created_at bigint NOT NULL, updated_at bigint NOT NULL)`,
  ];
}

/** Rows as a Plexus user has them: an encrypted upstream key, an OAuth provider, grouped and legacy aliases, keys on quotas, an MCP server. */
function plexusRows(dialect: 'sqlite' | 'postgres'): Array<[string, unknown[]]> {
  const yes = dialect === 'sqlite' ? 1 : true;
  const no = dialect === 'sqlite' ? 0 : false;
  const now = 1_760_000_000_000;
  return [
    [
      'INSERT INTO oauth_credentials (oauth_provider_type, account_id, access_token, refresh_token, expires_at) VALUES ($1, $2, $3, $4, $5)',
      ['anthropic', 'me', 'a', 'r', 1],
    ],
    [
      'INSERT INTO providers (slug, display_name, api_base_url, api_key, enabled, discount, headers, timeout_ms, quota_checker_type, quota_checker_options, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)',
      [
        'openai',
        'OpenAI',
        JSON.stringify({ chat: 'https://api.openai.com/v1' }),
        plexusEncrypt('sk-openai-upstream-secret'),
        yes,
        0.1,
        '{"x-org":"acme"}',
        30000,
        'openrouter',
        plexusEncrypt('{"maxUtilizationPercent":90}'),
        now,
        now,
      ],
    ],
    [
      'INSERT INTO providers (slug, api_base_url, api_key, oauth_provider_type, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6)',
      ['claude-max', JSON.stringify('oauth://anthropic'), 'oauth', 'anthropic', now, now],
    ],
    [
      'INSERT INTO providers (slug, api_base_url, enabled, created_at, updated_at) VALUES ($1, $2, $3, $4, $5)',
      ['local', JSON.stringify('http://127.0.0.1:11434/v1'), no, now, now],
    ],
    [
      'INSERT INTO provider_models (provider_id, model_name, pricing_config, sort_order) VALUES ($1, $2, $3, $4)',
      [1, 'gpt-4o', '{"source":"simple","input":2.5,"output":10}', 0],
    ],
    ['INSERT INTO provider_models (provider_id, model_name, sort_order) VALUES ($1, $2, $3)', [1, 'gpt-mini', 1]],
    ['INSERT INTO provider_models (provider_id, model_name, sort_order) VALUES ($1, $2, $3)', [3, 'small', 0]],
    [
      'INSERT INTO model_aliases (slug, model_type, additional_aliases, sticky_session, target_groups, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [
        'smart',
        'chat',
        '["brainy"]',
        yes,
        '[{"name":"main","selector":"in_order"},{"name":"backup","selector":"random"}]',
        now,
        now,
      ],
    ],
    [
      'INSERT INTO model_aliases (slug, selector, created_at, updated_at) VALUES ($1, $2, $3, $4)',
      ['legacy', 'cost', now, now],
    ],
    [
      'INSERT INTO model_alias_targets (alias_id, provider_slug, model_name, group_name, sort_order) VALUES ($1, $2, $3, $4, $5)',
      [1, 'openai', 'gpt-4o', 'main', 0],
    ],
    [
      'INSERT INTO model_alias_targets (alias_id, provider_slug, model_name, enabled, group_name, sort_order) VALUES ($1, $2, $3, $4, $5, $6)',
      [1, 'local', 'small', no, 'backup', 1],
    ],
    [
      'INSERT INTO model_alias_targets (alias_id, provider_slug, model_name, group_name, sort_order) VALUES ($1, $2, $3, $4, $5)',
      [1, 'claude-max', 'claude', 'backup', 2],
    ],
    [
      'INSERT INTO model_alias_targets (alias_id, provider_slug, model_name, sort_order) VALUES ($1, $2, $3, $4)',
      [2, 'openai', 'gpt-mini', 0],
    ],
    [
      'INSERT INTO api_keys (name, secret, comment, quota_names, allowed_models, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      ['team', plexusEncrypt('sk-team-plexus-1111'), 'the team', '["daily","spend"]', '["smart"]', now, now],
    ],
    [
      'INSERT INTO api_keys (name, secret, quota_name, disabled_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6)',
      ['old', 'sk-old-plexus-2222', 'daily', now, now, now],
    ],
    [
      'INSERT INTO user_quota_definitions (name, quota_type, limit_type, limit_value, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6)',
      ['daily', 'daily', 'requests', 500, now, now],
    ],
    [
      'INSERT INTO user_quota_definitions (name, quota_type, limit_type, limit_value, duration, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      ['spend', 'rolling', 'cost', 5, '1h', now, now],
    ],
    [
      'INSERT INTO mcp_servers (name, upstream_url, headers, created_at, updated_at) VALUES ($1, $2, $3, $4, $5)',
      ['search', 'https://mcp.example.com/mcp', '{"authorization":"Bearer x"}', now, now],
    ],
  ];
}

describe('plexus import-plexus', () => {
  let target: TestDatabase;
  let directory: string;
  let stderr: string[];

  beforeEach(async () => {
    target = await createTestDatabase();
    directory = mkdtempSync(join(tmpdir(), 'plexus-import-'));
    stderr = [];
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr.push(String(chunk));
      return true;
    });
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    useSecretCipher(new SecretCipher());
    await target.drop();
    rmSync(directory, { recursive: true, force: true });
  });

  async function importedConfig(): Promise<{
    exported: Record<string, unknown>;
    providerKey: string | null;
    teamSecret: string | undefined;
  }> {
    const dataSource = new DataSource(dataSourceOptions({ url: target.url, poolSize: 2 }));
    await dataSource.initialize();
    try {
      const exported = (await new ConfigTransferService(dataSource, new SecretCipher()).exportConfig()) as Record<
        string,
        unknown
      >;
      const providerKey = (await new ProviderRepository(dataSource).findBySlug('openai'))?.apiKey ?? null;
      const teamSecret = (await new ApiKeyRepository(dataSource).findByName('team'))?.secret;
      return { exported, providerKey, teamSecret };
    } finally {
      await dataSource.destroy();
    }
  }

  async function expectImported(source: string): Promise<void> {
    const { message } = await runConfigTransferCommand('import-plexus', [source], {
      DATABASE_URL: target.url,
      PLEXUS_ENCRYPTION_KEY: PLEXUS_PASSPHRASE,
    });
    expect(message).toBe(
      'imported 3 providers, 2 model aliases, 2 api keys, 2 user quotas, 1 system settings, 1 oauth credentials from Plexus',
    );
    expect(stderr.join('')).not.toContain('claude-max');

    const { exported, providerKey, teamSecret } = await importedConfig();
    expect(providerKey).toBe('sk-openai-upstream-secret');
    expect(teamSecret).toBe('sk-team-plexus-1111');
    expect(exported).toMatchObject({
      providers: {
        openai: {
          display_name: 'OpenAI',
          api_base_url: { chat: 'https://api.openai.com/v1' },
          enabled: true,
          discount: 0.1,
          headers: { 'x-org': '****' },
          timeoutMs: 30000,
          quota_checker: {
            type: 'openrouter',
            enabled: true,
            intervalMinutes: 30,
            options: { maxUtilizationPercent: 90 },
          },
          models: { 'gpt-4o': { pricing: { source: 'simple', input: 2.5, output: 10 } }, 'gpt-mini': {} },
        },
        local: { api_base_url: 'http://127.0.0.1:11434/v1', enabled: false, models: ['small'] },
      },
      models: {
        smart: {
          type: 'text',
          additional_aliases: ['brainy'],
          sticky_session: true,
          target_groups: [
            { name: 'main', selector: 'in_order', targets: [{ provider: 'openai', model: 'gpt-4o', enabled: true }] },
            {
              name: 'backup',
              selector: 'random',
              targets: [
                { provider: 'local', model: 'small', enabled: false },
                { provider: 'claude-max', model: 'claude', enabled: true },
              ],
            },
          ],
        },
        legacy: {
          target_groups: [
            { name: 'default', selector: 'cost', targets: [{ provider: 'openai', model: 'gpt-mini', enabled: true }] },
          ],
        },
      },
      keys: {
        team: { comment: 'the team', quotas: ['daily', 'spend'], allowedModels: ['smart'] },
        old: { quota: 'daily', disabledAt: 1_760_000_000_000 },
      },
      user_quotas: {
        daily: { type: 'daily', limitType: 'requests', limit: 500 },
        spend: { type: 'rolling', limitType: 'cost', limit: 5, duration: '1h' },
      },
      mcp_servers: {
        search: {
          upstream_url: 'https://mcp.example.com/mcp',
          enabled: true,
          headers: { authorization: '********' },
          mode: 'remote_http',
        },
      },
    });
    // OAuth providers come along with their account's credential.
    expect(Object.keys(exported['providers'] as object)).toContain('claude-max');
  }

  it('imports a Plexus SQLite database, decrypting its secrets with its key', async () => {
    const file = join(directory, 'plexus.db');
    const sqlite = new DatabaseSync(file);
    for (const statement of plexusSchema('sqlite')) sqlite.exec(statement);
    for (const [sql, values] of plexusRows('sqlite'))
      sqlite.prepare(sql.replace(/\$\d+/g, '?')).run(...(values as Array<string | number>));
    sqlite.close();

    await expectImported(`sqlite://${file}`);
  });

  it('imports a Plexus PostgreSQL database', async () => {
    const source = await createTestDatabase();
    try {
      const client = new Client({ connectionString: source.url });
      await client.connect();
      for (const statement of plexusSchema('postgres')) await client.query(statement);
      for (const [sql, values] of plexusRows('postgres')) await client.query(sql, values);
      await client.end();

      await expectImported(source.url);
    } finally {
      await source.drop();
    }
  });

  it("fails with a clear reason and changes nothing without Plexus's key, or on a file that is not a Plexus database", async () => {
    const file = join(directory, 'plexus.db');
    const sqlite = new DatabaseSync(file);
    for (const statement of plexusSchema('sqlite')) sqlite.exec(statement);
    for (const [sql, values] of plexusRows('sqlite'))
      sqlite.prepare(sql.replace(/\$\d+/g, '?')).run(...(values as Array<string | number>));
    sqlite.close();

    await expect(runConfigTransferCommand('import-plexus', [file], { DATABASE_URL: target.url })).rejects.toThrow(
      "providers.openai.api_key is encrypted: set PLEXUS_ENCRYPTION_KEY to the Plexus gateway's ENCRYPTION_KEY",
    );
    await expect(
      runConfigTransferCommand('import-plexus', [file], { DATABASE_URL: target.url, PLEXUS_ENCRYPTION_KEY: 'not it' }),
    ).rejects.toThrow('could not be decrypted');
    const empty = join(directory, 'empty.db');
    new DatabaseSync(empty).close();
    await expect(runConfigTransferCommand('import-plexus', [empty], { DATABASE_URL: target.url })).rejects.toThrow(
      'not a Plexus database',
    );
    const { exported } = await importedConfig();
    expect(exported).toMatchObject({ providers: {}, models: {}, keys: {}, user_quotas: {} });
  });
});
