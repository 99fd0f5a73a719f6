import { ConfigTransferService, readPlexusDatabase } from '@plexus/management';
import {
  DatabaseEndpoint,
  OAuthCredentialRepository,
  SecretCipher,
  dataSourceOptions,
  reconcileSecretsAtRest,
  useSecretCipher,
} from '@plexus/persistence';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataSource } from 'typeorm';

export const CONFIG_TRANSFER_COMMANDS = ['backup', 'restore', 'import-plexus'] as const;
export type ConfigTransferCommand = (typeof CONFIG_TRANSFER_COMMANDS)[number];

export function isConfigTransferCommand(command: string | undefined): command is ConfigTransferCommand {
  return (CONFIG_TRANSFER_COMMANDS as readonly string[]).includes(command ?? '');
}

/**
 * `plexus backup [--full] [file|-]`: the configuration backup (secrets as stored), or with
 * --full the archive adding usage history, to a file (default: PLEXUS_DB_BACKUP_DIR,
 * ./backups) or stdout.
 * `plexus restore <file>`: replaces the configuration (and, from a full archive, the
 * operational tables) with a backup, all or nothing.
 * `plexus import-plexus <sqlite file | postgres URL>`: takes providers, aliases, keys,
 * user quotas and MCP servers from a Plexus database (PLEXUS_ENCRYPTION_KEY: the key
 * that Plexus encrypted its secrets with).
 * Each runs against this gateway's database (DATABASE_URL or DATA_DIR) with its
 * ENCRYPTION_KEY; stop the gateway first, or restart it after, so it rereads the config.
 */
export interface CommandOutcome {
  message: string;
  /** The command's output went to stdout, so its note must not. */
  toStderr?: boolean;
}

export async function runConfigTransferCommand(
  command: ConfigTransferCommand,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<CommandOutcome> {
  const endpoint = await DatabaseEndpoint.resolve({
    databaseUrl: env['DATABASE_URL'] || undefined,
    dataDir: env['DATA_DIR'] || './data',
  });
  const dataSource = new DataSource(dataSourceOptions({ url: endpoint.url, poolSize: endpoint.poolSize }));
  const cipher = new SecretCipher(env['ENCRYPTION_KEY'] || undefined);
  useSecretCipher(cipher);
  try {
    await dataSource.initialize();
    await dataSource.runMigrations();
    await reconcileSecretsAtRest(dataSource, cipher);
    const transfer = new ConfigTransferService(dataSource, cipher);
    const commands: Record<ConfigTransferCommand, () => Promise<CommandOutcome>> = {
      backup: () => backup(transfer, args, env),
      restore: () => restore(transfer, args[0]),
      'import-plexus': () => importPlexus(transfer, new OAuthCredentialRepository(dataSource), args[0], env),
    };
    return await commands[command]();
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await endpoint.embedded?.stop();
  }
}

async function backup(
  transfer: ConfigTransferService,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<CommandOutcome> {
  const full = args.includes('--full');
  const target = args.find((arg) => arg !== '--full');
  if (target === '-') {
    if (full) await transfer.fullBackup(process.stdout);
    else process.stdout.write(`${JSON.stringify(await transfer.backup(), null, 2)}\n`);
    return { message: `${full ? 'full backup' : 'backup'} written to stdout`, toStderr: true };
  }
  let file = target;
  if (!file) {
    const directory = env['PLEXUS_DB_BACKUP_DIR'] || './backups';
    await mkdir(directory, { recursive: true });
    file = join(
      directory,
      `plexus-backup-${new Date().toISOString().replace(/[:.]/g, '-')}${full ? '.tar.gz' : '.json'}`,
    );
  }
  if (full) await transfer.fullBackup(createWriteStream(file, { mode: 0o600 }));
  else await writeFile(file, `${JSON.stringify(await transfer.backup(), null, 2)}\n`, { mode: 0o600 });
  const encrypted = env['ENCRYPTION_KEY']
    ? 'encrypted: restore needs the same ENCRYPTION_KEY'
    : 'in plaintext: keep the file safe';
  return { message: `${full ? 'full backup' : 'backup'} written to ${file} (secrets ${encrypted})` };
}

async function restore(transfer: ConfigTransferService, file: string | undefined): Promise<CommandOutcome> {
  if (!file) throw new Error('restore needs the backup file: plexus restore <file>');
  let head: Buffer;
  try {
    const handle = await open(file, 'r');
    try {
      head = Buffer.alloc(2);
      await handle.read(head, 0, 2, 0);
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw new Error(`cannot read the backup ${file}: ${(error as Error).message}`, { cause: error });
  }
  // A full backup is a gzipped tar (gzip magic 1f 8b), streamed; a config backup is JSON.
  if (head[0] === 0x1f && head[1] === 0x8b) {
    const result = await transfer.restoreArchive(createReadStream(file)).catch(rethrowReadably);
    return { message: `restored ${describeCounts(result.restored)}` };
  }
  let body: unknown;
  try {
    body = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`the backup ${file} is neither JSON nor a full backup archive`, { cause: error });
  }
  const result = await transfer.restore(body).catch(rethrowReadably);
  return { message: `restored ${describeCounts(result.restored)}` };
}

async function importPlexus(
  transfer: ConfigTransferService,
  credentials: OAuthCredentialRepository,
  source: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<CommandOutcome> {
  if (!source) throw new Error('import-plexus needs the Plexus database: a SQLite file or a postgres:// URL');
  const { document, oauthCredentials, warnings } = await readPlexusDatabase(
    source,
    env['PLEXUS_ENCRYPTION_KEY'] || undefined,
  );
  const result = await transfer.importConfig(document).catch(rethrowReadably);
  // Saved through the repository: the tokens are encrypted with this gateway's key.
  for (const credential of oauthCredentials) await credentials.saveLogin({ ...credential, extra: {} });
  for (const warning of warnings) process.stderr.write(`plexus: import-plexus: ${warning}\n`);
  return {
    message: `imported ${describeCounts({ ...result.imported, oauth_credentials: oauthCredentials.length })} from Plexus`,
  };
}

function describeCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([table, count]) => `${count} ${table.replace(/_/g, ' ')}`)
    .join(', ');
}

/** A refused document becomes one line per problem, not an HTTP exception's dump. */
function rethrowReadably(error: unknown): never {
  const response = (error as { getResponse?: () => unknown }).getResponse?.() as
    { error?: string | { message?: string }; details?: Array<{ path: string[]; message: string }> } | undefined;
  if (response?.details)
    throw new Error(
      `refused, nothing changed: ${response.details.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
    );
  if (response?.error)
    throw new Error(
      `refused, nothing changed: ${typeof response.error === 'string' ? response.error : response.error.message}`,
    );
  throw error;
}
