import { DatabaseEndpoint, SecretCipher, dataSourceOptions, rekeySecrets } from '@plexus/persistence';
import { DataSource } from 'typeorm';

const HEX_KEY = /^[0-9a-fA-F]{64}$/;

/**
 * `plexus rekey`: re-encrypts every stored secret from ENCRYPTION_KEY (unset: plaintext)
 * to NEW_ENCRYPTION_KEY, in one transaction. Run it with the gateway stopped, then start
 * the gateway with ENCRYPTION_KEY set to the new key.
 */
export async function rekey(env: NodeJS.ProcessEnv): Promise<string> {
  const current = env['ENCRYPTION_KEY'] || undefined;
  const next = env['NEW_ENCRYPTION_KEY'];
  if (!next || !HEX_KEY.test(next)) throw new Error('rekey needs NEW_ENCRYPTION_KEY: 64 hex characters (32 bytes)');
  if (current !== undefined && !HEX_KEY.test(current))
    throw new Error('ENCRYPTION_KEY must be 64 hex characters (32 bytes)');
  const endpoint = await DatabaseEndpoint.resolve({
    databaseUrl: env['DATABASE_URL'] || undefined,
    dataDir: env['DATA_DIR'] || './data',
  });
  const dataSource = new DataSource(dataSourceOptions({ url: endpoint.url, poolSize: endpoint.poolSize }));
  try {
    await dataSource.initialize();
    await dataSource.runMigrations();
    const count = await rekeySecrets(dataSource, new SecretCipher(current), new SecretCipher(next));
    return `re-encrypted ${count} secrets: start the gateway with ENCRYPTION_KEY set to the new key`;
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await endpoint.embedded?.stop();
  }
}
