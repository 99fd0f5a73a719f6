import { BadRequestException, HttpException, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { maskSecret } from '@plexus/auth';
import {
  AliasRepository,
  ApiKeyRepository,
  mapMcpServerSecrets,
  mapProviderSecrets,
  mcpServerSecretsOf,
  providerSecretsOf,
  ProviderRepository,
  SecretCipher,
  SystemSettingsRepository,
  UserQuotaRepository,
  type AliasRecord,
  type ApiKeyRecord,
  type ProviderRecord,
  type UserQuotaRecord,
} from '@plexus/persistence';
import type { Readable, Writable } from 'node:stream';
import { QueryFailedError, type DataSource } from 'typeorm';
import { aliasConfigOf } from '../aliases/alias-config.mapper';
import { conflict } from '../common/validation';
import { keyConfigOf } from '../keys/key-config.mapper';
import { providerConfigOf } from '../providers/provider-config.mapper';
import { viewOf } from '../quotas/user-quota.mapper';
import {
  DEFAULT_ARCHIVE_LIMITS,
  readBackupArchive,
  readEntryText,
  type ArchiveLimits,
} from './archive/backup-archive.reader';
import { writeBackupArchive } from './archive/backup-archive.writer';
import { operationalColumns } from './archive/operational-tables';
import { BackupMismatchError, TableStager } from './archive/table-stager';
import {
  MCP_SERVERS_SETTING,
  type BackupEnvelope,
  type ConfigDocument,
  type ConfigMap,
  type ValidatedConfig,
} from './config-document';
import { validateConfigDocument, type ValidationContext } from './config-document.validator';
import { writeConfig, type WriteCounts } from './config-writer';

/** The document's sections that hold named objects, and the kind names the managed marker uses. */
const SECTIONS = ['providers', 'models', 'keys', 'user_quotas'] as const;
type Section = (typeof SECTIONS)[number];

interface Snapshot {
  providers: ProviderRecord[];
  aliases: AliasRecord[];
  keys: ApiKeyRecord[];
  quotas: UserQuotaRecord[];
  settings: Record<string, unknown>;
}

export interface ImportResult {
  success: true;
  imported: WriteCounts;
  /** Entries marked `managed` that were left to the config file. */
  skipped: string[];
}

export interface RestoreResult {
  success: true;
  /** Rows restored per table. */
  restored: Record<string, number>;
  message: string;
}

export interface ConfigStatus {
  providerCount: number;
  modelAliasCount: number;
  keyCount: number;
  quotaCount: number;
  mcpServerCount: number;
}

/**
 * Reads and replaces the whole configuration: export and import (`/config`), backup and
 * restore, the declarative config file. Every replacement is validated in full first and
 * written in one transaction, so a refused one changes nothing.
 */
@Injectable()
export class ConfigTransferService {
  private readonly providers: ProviderRepository;
  private readonly aliases: AliasRepository;
  private readonly keys: ApiKeyRepository;
  private readonly quotas: UserQuotaRepository;
  private readonly settings: SystemSettingsRepository;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly cipher: SecretCipher,
  ) {
    this.providers = new ProviderRepository(dataSource);
    this.aliases = new AliasRepository(dataSource);
    this.keys = new ApiKeyRepository(dataSource);
    this.quotas = new UserQuotaRepository(dataSource);
    this.settings = new SystemSettingsRepository(dataSource);
  }

  /** The configuration with secrets masked; `managed: true` on objects from the config file. */
  async exportConfig(): Promise<ConfigDocument> {
    const snapshot = await this.snapshot();
    const { [MCP_SERVERS_SETTING]: mcpServers, ...settings } = snapshot.settings;
    return {
      secrets: 'masked',
      providers: byName(
        snapshot.providers,
        (record) => record.slug,
        (record) => providerConfigOf(record),
      ),
      models: byName(snapshot.aliases, (record) => record.slug, aliasConfigOf),
      keys: byName(snapshot.keys, (record) => record.name, keyConfigOf),
      user_quotas: byName(
        snapshot.quotas,
        (record) => record.name,
        (record) => ({ ...viewOf(record) }),
      ),
      mcp_servers: mapMcpServerSecrets((mcpServers as ConfigMap | undefined) ?? {}, maskSecret),
      system_settings: settings,
    };
  }

  async status(): Promise<ConfigStatus> {
    const snapshot = await this.snapshot();
    const mcpServers = snapshot.settings[MCP_SERVERS_SETTING];
    return {
      providerCount: snapshot.providers.length,
      modelAliasCount: snapshot.aliases.length,
      keyCount: snapshot.keys.length,
      quotaCount: snapshot.quotas.length,
      mcpServerCount: mcpServers && typeof mcpServers === 'object' ? Object.keys(mcpServers).length : 0,
    };
  }

  /**
   * `PUT /config`: replaces every object made through the API. Objects from the config
   * file stay; the document may carry them back marked `managed` (as an export does) and
   * they are skipped, but an unmarked entry with a managed object's name is refused (409).
   */
  async importConfig(body: unknown): Promise<ImportResult> {
    const snapshot = await this.snapshot();
    const managed = managedNames(snapshot);
    const skipped: string[] = [];
    const clashes: string[] = [];
    const document = isObject(body) ? { ...body } : body;
    if (isObject(document)) {
      for (const section of SECTIONS) {
        const map = document[section];
        if (!isObject(map)) continue;
        const kept: Record<string, unknown> = {};
        for (const [name, entry] of Object.entries(map)) {
          if (!managed.has(`${section}:${name}`)) kept[name] = entry;
          else if (isObject(entry) && entry['managed'] === true) skipped.push(`${section}/${name}`);
          else clashes.push(`${section}/${name}`);
        }
        document[section] = kept;
      }
    }
    if (clashes.length > 0)
      throw conflict(`Managed by the config file (PLEXUS_CONFIG), change them there: ${clashes.join(', ')}`);
    const config = validateConfigDocument(
      document,
      this.context(snapshot, (name) => managed.has(name)),
    );
    const imported = await this.dataSource.transaction((manager) => writeConfig(manager, config, 'unmanaged'));
    return { success: true, imported, skipped };
  }

  /** The config file: its objects become managed; objects made through the API stay unless the file names them. */
  async applyManaged(document: ConfigDocument): Promise<WriteCounts> {
    const snapshot = await this.snapshot();
    const named = new Set(
      SECTIONS.flatMap((section) => Object.keys(document[section] ?? {}).map((name) => `${section}:${name}`)),
    );
    const managed = managedNames(snapshot);
    const config = validateConfigDocument(
      document,
      this.context(snapshot, (name) => !managed.has(name) && !named.has(name)),
    );
    return this.dataSource.transaction((manager) => writeConfig(manager, config, 'managed'));
  }

  /** Without a config file nothing manages objects any more: they become editable through the API. Returns how many were released. */
  async releaseManaged(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      let released = 0;
      for (const table of ['providers', 'model_aliases', 'api_keys', 'user_quota_definitions']) {
        const [, count] = await manager.query<[unknown[], number]>(`UPDATE ${table} SET managed = false WHERE managed`);
        released += count;
      }
      return released;
    });
  }

  /** Everything, secrets as stored: encrypted when the gateway has ENCRYPTION_KEY, so the file is as safe as the database. */
  async backup(): Promise<BackupEnvelope> {
    const snapshot = await this.snapshot();
    const stored = (secret: string): string => this.cipher.encrypt(secret);
    const { [MCP_SERVERS_SETTING]: mcpServers, ...settings } = snapshot.settings;
    return {
      plexus_backup: true,
      version: 1,
      created_at: new Date().toISOString(),
      dialect: 'postgres',
      secrets: this.cipher.enabled ? 'encrypted' : 'plaintext',
      data: {
        providers: byName(
          snapshot.providers,
          (record) => record.slug,
          (record) => {
            const config = mapProviderSecrets(providerConfigOf(record, true), stored);
            return record.apiKey === null ? config : { ...config, api_key: stored(record.apiKey) };
          },
        ),
        models: byName(snapshot.aliases, (record) => record.slug, aliasConfigOf),
        keys: byName(
          snapshot.keys,
          (record) => record.name,
          (record) => ({ ...keyConfigOf(record), secret: stored(record.secret) }),
        ),
        user_quotas: byName(
          snapshot.quotas,
          (record) => record.name,
          (record) => ({ ...viewOf(record) }),
        ),
        mcp_servers: mapMcpServerSecrets((mcpServers as ConfigMap | undefined) ?? {}, stored),
        settings,
        oauth_credentials: [],
      },
    };
  }

  /** Replaces everything with a backup's contents (managed markers included), or changes nothing. */
  async restore(body: unknown): Promise<RestoreResult> {
    const { config, managed } = this.checkedBackup(body);
    const restored = await this.dataSource.transaction((manager) => writeConfig(manager, config, 'all', managed));
    return { success: true, restored, message: 'Restore complete' };
  }

  /**
   * A full backup, the reference's tar.gz: the config envelope plus every operational table
   * (usage history...), streamed to `out` without holding a table in memory.
   */
  async fullBackup(out: Writable): Promise<void> {
    const envelope = await this.backup();
    const manifest = {
      plexus_backup: true,
      version: 1,
      kind: 'full',
      created_at: envelope.created_at,
      secrets: envelope.secrets,
    };
    await writeBackupArchive(this.dataSource, { manifest, config: envelope }, out);
  }

  /**
   * Restores a full backup archive, streamed: configuration and the operational tables it
   * holds, in one transaction. Every table is read into a staging copy first, so an archive
   * that is truncated, over its limits or does not fit this database changes nothing.
   */
  async restoreArchive(archive: Readable, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS): Promise<RestoreResult> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const stager = new TableStager(runner, await operationalColumns(runner.manager));
      let backup: { config: ValidatedConfig; managed: Set<string> } | undefined;
      await readBackupArchive(archive, limits, async (name, content) => {
        if (name === 'config.json')
          backup = this.checkedBackup(parseJson(Buffer.from(await readEntryText(content, MAX_CONFIG_BYTES))));
        else if (name.endsWith('.csv')) await stager.stage(name.slice(0, -'.csv'.length), content);
        else content.resume();
      });
      if (!backup) throw refusal('Invalid backup archive: config.json is missing');
      const restored = {
        ...(await writeConfig(runner.manager, backup.config, 'all', backup.managed)),
        ...(await stager.replace()),
      };
      await runner.commitTransaction();
      return { success: true, restored, message: 'Restore complete' };
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      throw restoreFailure(error);
    } finally {
      await runner.release();
    }
  }

  /** A backup envelope, validated in full: what restoring it would write. */
  private checkedBackup(body: unknown): { config: ValidatedConfig; managed: Set<string> } {
    if (!isObject(body) || body['plexus_backup'] !== true || !isObject(body['data'])) {
      throw new BadRequestException({ error: 'Invalid backup: expected a plexus_backup envelope with data' });
    }
    if (body['version'] !== 1)
      throw new BadRequestException({ error: `Unsupported backup version: ${String(body['version'])}` });
    const data = body['data'];
    if (Array.isArray(data['oauth_credentials']) && data['oauth_credentials'].length > 0) {
      throw new BadRequestException({
        error: 'This backup holds OAuth credentials, which this gateway cannot restore yet',
      });
    }
    const document: Record<string, unknown> = {
      providers: data['providers'],
      models: data['models'],
      keys: data['keys'],
      user_quotas: data['user_quotas'],
      mcp_servers: data['mcp_servers'] ?? {},
      system_settings: data['settings'] ?? {},
      ...(body['secrets'] !== undefined && { secrets: body['secrets'] }),
    };
    const managed = new Set<string>();
    for (const section of SECTIONS) {
      const map = document[section];
      if (!isObject(map)) continue;
      for (const [name, entry] of Object.entries(map))
        if (isObject(entry) && entry['managed'] === true) managed.add(`${section}:${name}`);
    }
    return {
      config: validateConfigDocument(
        document,
        this.context(emptySnapshot(), () => false),
      ),
      managed,
    };
  }

  private async snapshot(): Promise<Snapshot> {
    const [providers, aliases, keys, quotas, settings] = await Promise.all([
      this.providers.findAll(),
      this.aliases.findAll(),
      this.keys.findAll(),
      this.quotas.findAll(),
      this.settings.findAll(),
    ]);
    return {
      providers,
      aliases,
      keys,
      quotas,
      settings: Object.fromEntries(settings.map((setting) => [setting.key, setting.value])),
    };
  }

  /** `kept(section:name)`: the object stays whatever the document says, so references may point at it. */
  private context(snapshot: Snapshot, kept: (name: string) => boolean): ValidationContext {
    const keptAliases = snapshot.aliases.filter((alias) => kept(`models:${alias.slug}`));
    return {
      storedProviderKeys: new Map(
        snapshot.providers.flatMap((provider) => (provider.apiKey === null ? [] : [[provider.slug, provider.apiKey]])),
      ),
      storedProviderSecrets: new Map(
        snapshot.providers.map((provider) => [provider.slug, providerSecretsOf(provider.settings)]),
      ),
      storedMcpSecrets: mcpServerSecretsOf(snapshot.settings[MCP_SERVERS_SETTING]),
      storedKeySecrets: new Map(snapshot.keys.map((key) => [key.name, key.secret])),
      keptProviders: new Set(
        snapshot.providers.filter((provider) => kept(`providers:${provider.slug}`)).map((provider) => provider.slug),
      ),
      keptAliasNames: new Set(keptAliases.flatMap((alias) => [alias.slug, ...alias.additionalAliases])),
      keptQuotas: new Set(
        snapshot.quotas.filter((quota) => kept(`user_quotas:${quota.name}`)).map((quota) => quota.name),
      ),
      keptSecretHashes: new Set(snapshot.keys.filter((key) => kept(`keys:${key.name}`)).map((key) => key.secretHash)),
      cipher: this.cipher,
    };
  }
}

function managedNames(snapshot: Snapshot): Set<string> {
  const names = new Set<string>();
  const add = (section: Section, records: Array<{ managed?: boolean }>, name: (record: never) => string): void => {
    for (const record of records) if (record.managed) names.add(`${section}:${name(record as never)}`);
  };
  add('providers', snapshot.providers, (record: ProviderRecord) => record.slug);
  add('models', snapshot.aliases, (record: AliasRecord) => record.slug);
  add('keys', snapshot.keys, (record: ApiKeyRecord) => record.name);
  add('user_quotas', snapshot.quotas, (record: UserQuotaRecord) => record.name);
  return names;
}

function emptySnapshot(): Snapshot {
  return { providers: [], aliases: [], keys: [], quotas: [], settings: {} };
}

function byName<R>(records: R[], name: (record: R) => string, view: (record: R) => Record<string, unknown>): ConfigMap {
  return Object.fromEntries(records.map((record) => [name(record), view(record)]));
}

function parseJson(content: Buffer): unknown {
  try {
    return JSON.parse(content.toString('utf8')) as unknown;
  } catch {
    throw new BadRequestException({ error: 'Invalid backup archive: config.json is not JSON' });
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** config.json of a full archive is read whole; it holds configuration only. */
const MAX_CONFIG_BYTES = 64 * 1024 * 1024;

/**
 * What a failed archive restore answers: HTTP errors as they are, a database that refuses
 * the archive's rows as "does not fit", anything else met while reading it (gzip, tar, CSV,
 * limits) as an invalid archive. All are 400s: the transaction was rolled back.
 */
function restoreFailure(error: unknown): unknown {
  if (error instanceof HttpException) return error;
  const message = String((error as { message?: unknown } | null)?.message ?? error);
  if (error instanceof BackupMismatchError || error instanceof QueryFailedError)
    return refusal(`The backup does not fit this database: ${message}`);
  return refusal(`Invalid backup archive: ${message}`);
}

function refusal(message: string): BadRequestException {
  return new BadRequestException({ error: { message, type: 'invalid_request_error' } });
}
