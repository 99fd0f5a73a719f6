import type { DataSource, EntityManager } from 'typeorm';
import { mapMcpServerSecrets, MCP_SERVERS_SETTING, mcpServerSecretsOf } from './mcp-server-secrets';
import { mapProviderSecrets, providerSecretsOf } from './provider-secrets';
import { SecretCipher, SecretCipherError } from './secret-cipher';

/** Every column that holds a secret, by table and primary key. */
const SECRET_COLUMNS = [
  { table: 'providers', id: 'id', column: 'api_key' },
  { table: 'api_keys', id: 'id', column: 'secret' },
  { table: 'mcp_server_keys', id: 'id', column: 'key' },
  { table: 'oauth_credentials', id: 'id', column: 'access_token' },
  { table: 'oauth_credentials', id: 'id', column: 'refresh_token' },
  { table: 'oauth_credentials', id: 'id', column: 'extra' },
] as const;

/** One stored value holding secrets (a column, the headers and checker credentials inside a provider's settings, the MCP servers setting), and how to rewrite them. */
interface StoredSecrets {
  secrets: string[];
  rewrite(manager: EntityManager, map: (secret: string) => string): Promise<void>;
}

async function storedSecrets(manager: EntityManager): Promise<StoredSecrets[]> {
  const found: StoredSecrets[] = [];
  for (const { table, id, column } of SECRET_COLUMNS) {
    const rows = await manager.query<Array<{ id: string; value: string }>>(
      `SELECT ${id} AS id, ${column} AS value FROM ${table} WHERE ${column} IS NOT NULL`,
    );
    for (const row of rows) {
      found.push({
        secrets: [row.value],
        rewrite: (into, map) =>
          into.query(`UPDATE ${table} SET ${column} = $1 WHERE ${id} = $2`, [map(row.value), row.id]),
      });
    }
  }
  const providers = await manager.query<Array<{ id: string; settings: Record<string, unknown> | string }>>(
    `SELECT id, settings FROM providers`,
  );
  for (const row of providers) {
    const settings =
      typeof row.settings === 'string' ? (JSON.parse(row.settings) as Record<string, unknown>) : row.settings;
    const secrets = [...providerSecretsOf(settings).values()];
    if (secrets.length === 0) continue;
    found.push({
      secrets,
      rewrite: (into, map) =>
        into.query(`UPDATE providers SET settings = $1::jsonb WHERE id = $2`, [
          JSON.stringify(mapProviderSecrets(settings, map)),
          row.id,
        ]),
    });
  }
  const mcpServers = await manager.query<Array<{ value: unknown }>>(
    `SELECT value FROM system_settings WHERE key = $1`,
    [MCP_SERVERS_SETTING],
  );
  for (const row of mcpServers) {
    const servers = typeof row.value === 'string' ? (JSON.parse(row.value) as unknown) : row.value;
    const secrets = [...mcpServerSecretsOf(servers).values()];
    if (secrets.length === 0) continue;
    found.push({
      secrets,
      rewrite: (into, map) =>
        into.query(`UPDATE system_settings SET value = $1::jsonb WHERE key = $2`, [
          JSON.stringify(mapMcpServerSecrets(servers, map)),
          MCP_SERVERS_SETTING,
        ]),
    });
  }
  return found;
}

/**
 * Brings stored secrets in line with the configured key, at boot: with a key, plaintext
 * left from before is encrypted (in one transaction); without one, encrypted secrets
 * mean the key is missing, and the gateway must not start.
 */
export async function reconcileSecretsAtRest(dataSource: DataSource, cipher: SecretCipher): Promise<number> {
  return dataSource.transaction(async (manager) => {
    const secrets = await storedSecrets(manager);
    if (!cipher.enabled) {
      if (secrets.some((holder) => holder.secrets.some((secret) => SecretCipher.isEncrypted(secret)))) {
        throw new SecretCipherError('The database holds encrypted secrets but ENCRYPTION_KEY is not set');
      }
      return 0;
    }
    let encrypted = 0;
    for (const holder of secrets) {
      const plain = holder.secrets.filter((secret) => !SecretCipher.isEncrypted(secret)).length;
      if (plain === 0) continue;
      await holder.rewrite(manager, (secret) => cipher.encrypt(secret));
      encrypted += plain;
    }
    return encrypted;
  });
}

/** Re-encrypts every secret from one key to another, all or nothing. */
export async function rekeySecrets(dataSource: DataSource, from: SecretCipher, to: SecretCipher): Promise<number> {
  return dataSource.transaction(async (manager) => {
    let count = 0;
    for (const holder of await storedSecrets(manager)) {
      await holder.rewrite(manager, (secret) => to.encrypt(from.decrypt(secret)));
      count += holder.secrets.length;
    }
    return count;
  });
}
