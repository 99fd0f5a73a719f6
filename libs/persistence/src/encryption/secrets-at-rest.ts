import type { DataSource, EntityManager } from 'typeorm';
import { SecretCipher, SecretCipherError } from './secret-cipher';

/** Every column that holds a secret, by table and primary key. */
const SECRET_COLUMNS = [
  { table: 'providers', id: 'id', column: 'api_key' },
  { table: 'api_keys', id: 'id', column: 'secret' },
] as const;

interface StoredSecret {
  table: string;
  idColumn: string;
  column: string;
  id: string;
  value: string;
}

async function storedSecrets(manager: EntityManager): Promise<StoredSecret[]> {
  const found: StoredSecret[] = [];
  for (const { table, id, column } of SECRET_COLUMNS) {
    const rows = await manager.query<Array<{ id: string; value: string }>>(
      `SELECT ${id} AS id, ${column} AS value FROM ${table} WHERE ${column} IS NOT NULL`,
    );
    for (const row of rows) found.push({ table, idColumn: id, column, id: row.id, value: row.value });
  }
  return found;
}

async function write(manager: EntityManager, secret: StoredSecret, value: string): Promise<void> {
  await manager.query(`UPDATE ${secret.table} SET ${secret.column} = $1 WHERE ${secret.idColumn} = $2`, [value, secret.id]);
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
      if (secrets.some((secret) => SecretCipher.isEncrypted(secret.value))) {
        throw new SecretCipherError('The database holds encrypted secrets but ENCRYPTION_KEY is not set');
      }
      return 0;
    }
    let encrypted = 0;
    for (const secret of secrets) {
      if (SecretCipher.isEncrypted(secret.value)) continue;
      await write(manager, secret, cipher.encrypt(secret.value));
      encrypted++;
    }
    return encrypted;
  });
}

/** Re-encrypts every secret from one key to another, all or nothing. */
export async function rekeySecrets(dataSource: DataSource, from: SecretCipher, to: SecretCipher): Promise<number> {
  return dataSource.transaction(async (manager) => {
    const secrets = await storedSecrets(manager);
    for (const secret of secrets) await write(manager, secret, to.encrypt(from.decrypt(secret.value)));
    return secrets.length;
  });
}
