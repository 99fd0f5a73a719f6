import { createDecipheriv, scryptSync } from 'node:crypto';
import { Client } from 'pg';
import type { ConfigDocument, ConfigMap } from './config-document';

type Row = Record<string, unknown>;

interface SourceDatabase {
  tables(): Promise<Set<string>>;
  rows(table: string): Promise<Row[]>;
  close(): Promise<void>;
}

/** An OAuth account's tokens as Plexus stored them, decrypted (re-encrypted with our key when saved). */
export interface PlexusOAuthCredential {
  providerId: string;
  accountId: string;
  accessToken: string;
  refreshToken: string;
  expiresAt: Date | null;
}

export interface PlexusImport {
  document: ConfigDocument;
  oauthCredentials: PlexusOAuthCredential[];
  /** What could not be carried over, one line each. */
  warnings: string[];
}

/**
 * Reads the configuration of an existing Plexus gateway (the reference implementation):
 * a SQLite file (path or `sqlite://path`) or a PostgreSQL URL. Columns are read by name
 * when present, so databases from older Plexus versions import too. Secrets encrypted by
 * Plexus (`enc:v1:iv:tag:ciphertext`, hex) need its ENCRYPTION_KEY.
 */
export async function readPlexusDatabase(source: string, plexusEncryptionKey?: string): Promise<PlexusImport> {
  const database = /^postgres(ql)?:\/\//.test(source)
    ? await openPostgres(source)
    : await openSqlite(source.replace(/^sqlite:\/\//, ''));
  try {
    return await readDocument(database, new PlexusSecrets(plexusEncryptionKey));
  } finally {
    await database.close();
  }
}

async function readDocument(database: SourceDatabase, secrets: PlexusSecrets): Promise<PlexusImport> {
  const tables = await database.tables();
  const rowsOf = async (table: string): Promise<Row[]> => (tables.has(table) ? database.rows(table) : []);
  const warnings: string[] = [];
  if (!tables.has('providers')) throw new Error('This is not a Plexus database: it has no providers table');

  const providerRows = await rowsOf('providers');
  const modelRows = await rowsOf('provider_models');
  const credentialRows = await rowsOf('oauth_credentials');
  const providers: ConfigMap = {};
  for (const row of providerRows) {
    const slug = String(row['slug']);
    const oauth =
      row['oauth_provider_type'] || row['api_key'] === 'oauth' || text(json(row['api_base_url'])).startsWith('oauth://')
        ? oauthAccountOf(row, credentialRows)
        : null;
    if (oauth === undefined) {
      warnings.push(`provider '${slug}' uses OAuth without naming its OAuth provider: not imported`);
      continue;
    }
    const models = modelRows
      .filter((model) => String(model['provider_id']) === String(row['id']))
      .sort((a, b) => Number(a['sort_order'] ?? 0) - Number(b['sort_order'] ?? 0));
    providers[slug] = compact({
      display_name: row['display_name'],
      api_base_url: oauth ? 'oauth://' : json(row['api_base_url']),
      api_key: oauth ? undefined : secrets.reveal(row['api_key'], `providers.${slug}.api_key`),
      oauth_provider: oauth?.provider,
      oauth_account: oauth?.account,
      enabled: bool(row['enabled']),
      disable_cooldown: flag(row['disable_cooldown']),
      stall_cooldown: flag(row['stall_cooldown']),
      discount: row['discount'],
      estimateTokens: flag(row['estimate_tokens']),
      useClaudeMasking: flag(row['use_claude_masking']),
      geminiThinkingEnabled: flag(row['gemini_thinking_enabled']),
      headers: json(secrets.reveal(row['headers'], `providers.${slug}.headers`)),
      extraBody: json(row['extra_body']),
      adapter: json(row['adapter']),
      auto_compat: flag(row['auto_compat']),
      raw_passthrough: rawPassthrough(json(row['raw_passthrough'])),
      timeoutMs: row['timeout_ms'],
      stallTtfbMs: row['stall_ttfb_ms'],
      stallTtfbBytes: row['stall_ttfb_bytes'],
      stallMinBps: row['stall_min_bps'],
      stallWindowMs: row['stall_window_ms'],
      stallGracePeriodMs: row['stall_grace_period_ms'],
      maxConcurrency: row['max_concurrency'],
      pi_ai_provider: row['pi_ai_provider'],
      gpu_profile: row['gpu_profile'],
      gpu_ram_gb: row['gpu_ram_gb'],
      gpu_bandwidth_tb_s: row['gpu_bandwidth_tb_s'],
      gpu_flops_tflop: row['gpu_flops_tflop'],
      gpu_power_draw_watts: row['gpu_power_draw_watts'],
      allow_100_percent_utilization: flag(row['allow_100_percent_utilization']),
      quota_checker: row['quota_checker_type']
        ? compact({
            type: row['quota_checker_type'],
            id: row['quota_checker_id'],
            enabled: bool(row['quota_checker_enabled']),
            intervalMinutes: row['quota_checker_interval'],
            options: json(secrets.reveal(row['quota_checker_options'], `providers.${slug}.quota_checker_options`)),
          })
        : undefined,
      model_autosync: bool(row['model_autosync_enabled'])
        ? compact({ enabled: true, intervalMinutes: row['model_autosync_interval'] })
        : undefined,
      models:
        models.length === 0
          ? undefined
          : Object.fromEntries(
              models.map((model) => [
                String(model['model_name']),
                compact({
                  pricing: json(model['pricing_config']),
                  type: model['model_type'],
                  access_via: json(model['access_via']),
                  extraBody: json(model['extra_body']),
                  adapter: json(model['adapter']),
                  maxConcurrency: model['max_concurrency'],
                  pi_ai_model_id: model['pi_ai_model_id'],
                }),
              ]),
            ),
    });
  }

  const targetRows = await rowsOf('model_alias_targets');
  const models: ConfigMap = {};
  for (const row of await rowsOf('model_aliases')) {
    const slug = String(row['slug']);
    const targets = targetRows
      .filter((target) => String(target['alias_id']) === String(row['id']))
      .sort((a, b) => Number(a['sort_order'] ?? 0) - Number(b['sort_order'] ?? 0))
      .filter((target) => {
        if (target['target_alias_slug'])
          warnings.push(`alias '${slug}': target on alias '${text(target['target_alias_slug'])}' not imported`);
        else if (!providers[String(target['provider_slug'])])
          warnings.push(
            `alias '${slug}': target on provider '${String(target['provider_slug'])}' (not imported) dropped`,
          );
        else return true;
        return false;
      });
    const declared = (json(row['target_groups']) as Array<{ name: string; selector?: string }> | null) ?? [];
    const groups =
      declared.length > 0 ? declared : [{ name: 'default', selector: (row['selector'] as string | null) ?? 'random' }];
    const target_groups = groups.map((group) => ({
      name: group.name,
      selector: group.selector ?? 'random',
      targets: targets
        .filter(
          (target) =>
            (groups.some((declared) => declared.name === target['group_name'])
              ? target['group_name']
              : groups[0]?.name) === group.name,
        )
        .map((target) =>
          compact({ provider: target['provider_slug'], model: target['model_name'], enabled: bool(target['enabled']) }),
        ),
    }));
    if (target_groups.every((group) => group.targets.length === 0)) {
      warnings.push(`alias '${slug}' has no importable target: not imported`);
      continue;
    }
    const type = row['model_type'] as string | null;
    models[slug] = compact({
      type: type === 'chat' || type === 'responses' || !type ? 'text' : type,
      priority: row['priority'],
      target_groups: target_groups.filter((group) => group.targets.length > 0),
      additional_aliases: json(row['additional_aliases']),
      advanced: json(row['advanced']),
      use_image_fallthrough: flag(row['use_image_fallthrough']),
      model_architecture: json(row['model_architecture']),
      enforce_limits: flag(row['enforce_limits']),
      sticky_session: flag(row['sticky_session']),
      preferred_api: json(row['preferred_api']),
      pi_model: json(row['pi_model']),
      extraBody: json(row['extra_body']),
    });
  }

  const keys: ConfigMap = {};
  for (const row of await rowsOf('api_keys')) {
    const name = String(row['name']);
    const quotas = (json(row['quota_names']) as string[] | null) ?? [];
    keys[name] = compact({
      secret: secrets.reveal(row['secret'], `api_keys.${name}.secret`),
      comment: row['comment'],
      quota: quotas.length === 0 ? row['quota_name'] : undefined,
      quotas: quotas.length > 0 ? quotas : undefined,
      allowedModels: json(row['allowed_models']),
      excludedModels: json(row['excluded_models']),
      allowedProviders: json(row['allowed_providers']),
      excludedProviders: json(row['excluded_providers']),
      allowedIps: json(row['allowed_ips']),
      allowRawPassthrough: flag(row['allow_raw_passthrough']),
      expiresAt: epochMs(row['expires_at']),
      disabledAt: epochMs(row['disabled_at']),
    });
  }

  const user_quotas: ConfigMap = {};
  for (const row of await rowsOf('user_quota_definitions')) {
    user_quotas[String(row['name'])] = compact({
      type: row['quota_type'],
      limitType: row['limit_type'],
      limit: Number(row['limit_value']),
      duration: row['duration'],
      shared: flag(row['shared']),
      warnAt: row['warn_at'],
    });
  }

  const mcp_servers: ConfigMap = {};
  for (const row of await rowsOf('mcp_servers')) {
    const name = String(row['name']);
    mcp_servers[name] = compact({
      upstream_url: row['upstream_url'],
      enabled: bool(row['enabled']),
      headers: json(secrets.reveal(row['headers'], `mcp_servers.${name}.headers`)),
      mode: row['mode'],
      launcher: row['launcher'],
      package_name: row['package_name'],
      args: json(secrets.reveal(row['args'], `mcp_servers.${name}.args`)),
      env: json(secrets.reveal(row['env'], `mcp_servers.${name}.env`)),
      port: row['port'],
      path: row['path'],
      startup_timeout_ms: row['startup_timeout_ms'],
    });
  }
  const oauthCredentials: PlexusOAuthCredential[] = [];
  for (const row of credentialRows) {
    const providerId = text(row['oauth_provider_type']);
    const accountId = text(row['account_id']) || 'legacy';
    const where = `oauth_credentials.${providerId}.${accountId}`;
    const accessToken = secrets.reveal(row['access_token'], `${where}.access_token`);
    const refreshToken = secrets.reveal(row['refresh_token'], `${where}.refresh_token`);
    if (!providerId || typeof accessToken !== 'string' || typeof refreshToken !== 'string') {
      warnings.push(`OAuth credential ${providerId || '?'}/${accountId} is incomplete: not imported`);
      continue;
    }
    const expires = Number(row['expires_at']);
    oauthCredentials.push({
      providerId,
      accountId,
      accessToken,
      refreshToken,
      // Plexus stores seconds; a value in milliseconds is taken as such.
      expiresAt: Number.isFinite(expires) && expires > 0 ? new Date(expires > 1e12 ? expires : expires * 1000) : null,
    });
  }

  return {
    document: { secrets: 'plaintext', providers, models, keys, user_quotas, mcp_servers },
    oauthCredentials,
    warnings,
  };
}

/**
 * The OAuth provider and account of a Plexus OAuth provider: its own columns, else its
 * linked credential's; accounts from before multi-account support are `legacy`.
 * Undefined when the OAuth provider can't be told.
 */
function oauthAccountOf(row: Row, credentials: Row[]): { provider: string; account: string } | undefined {
  const credentialId = text(row['oauth_credential_id']);
  const linked = credentialId ? credentials.find((credential) => text(credential['id']) === credentialId) : undefined;
  const provider =
    text(row['oauth_provider_type']) || text(row['oauth_provider']) || text(linked?.['oauth_provider_type']);
  if (!provider) return undefined;
  const account = text(row['oauth_account']) || text(linked?.['account_id']) || 'legacy';
  return { provider, account };
}

/** Plexus's own at-rest format: `enc:v1:<iv hex>:<tag hex>:<ciphertext hex>`, AES-256-GCM. */
class PlexusSecrets {
  private readonly key: Buffer | null;

  constructor(encryptionKey?: string) {
    if (!encryptionKey) this.key = null;
    else if (/^[0-9a-fA-F]{64}$/.test(encryptionKey)) this.key = Buffer.from(encryptionKey, 'hex');
    else this.key = scryptSync(encryptionKey, 'plexus-encryption-key-derivation', 32, { N: 16384 });
  }

  reveal(value: unknown, where: string): unknown {
    if (typeof value !== 'string' || !value.startsWith('enc:v1:')) return value;
    if (!this.key)
      throw new Error(`${where} is encrypted: set PLEXUS_ENCRYPTION_KEY to the Plexus gateway's ENCRYPTION_KEY`);
    const [iv, tag, body] = value.slice('enc:v1:'.length).split(':');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv ?? '', 'hex'));
      decipher.setAuthTag(Buffer.from(tag ?? '', 'hex'));
      return Buffer.concat([decipher.update(Buffer.from(body ?? '', 'hex')), decipher.final()]).toString('utf8');
    } catch {
      throw new Error(`${where} could not be decrypted: PLEXUS_ENCRYPTION_KEY is not the key Plexus used`);
    }
  }
}

/** JSON text columns (SQLite) and jsonb (PostgreSQL) alike; a plain string that is not JSON stays as it is. */
function json(value: unknown): unknown {
  if (typeof value !== 'string') return value ?? undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

function bool(value: unknown): boolean | undefined {
  if (value === null || value === undefined) return undefined;
  return value === true || value === 1 || value === 1n || value === '1' || value === 't' || value === 'true';
}

function epochMs(value: unknown): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return value.getTime();
  const number = Number(value);
  return Number.isFinite(number) ? number : new Date(text(value)).getTime();
}

function text(value: unknown): string {
  return typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'bigint'
      ? String(value)
      : '';
}

/** A flag whose default is off: only `true` is worth carrying. */
/** The reference's `{enabled, base_url, auth}` object; only an enabled one means anything here. */
function rawPassthrough(value: unknown): unknown {
  return typeof value === 'object' && value !== null && (value as { enabled?: unknown }).enabled === true
    ? value
    : undefined;
}

function flag(value: unknown): true | undefined {
  return bool(value) === true ? true : undefined;
}

/** Drops absent (null/undefined) fields. */
function compact(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== null && value !== undefined));
}

async function openSqlite(path: string): Promise<SourceDatabase> {
  const { DatabaseSync } = await import('node:sqlite');
  const database = new DatabaseSync(path, { readOnly: true });
  return {
    tables: () =>
      Promise.resolve(
        new Set(
          (database.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Row[]).map((row) =>
            String(row['name']),
          ),
        ),
      ),
    rows: (table) => Promise.resolve(database.prepare(`SELECT * FROM "${table}"`).all() as Row[]),
    close: () => Promise.resolve(database.close()),
  };
}

async function openPostgres(url: string): Promise<SourceDatabase> {
  const client = new Client({ connectionString: url });
  await client.connect();
  return {
    tables: async () =>
      new Set(
        (
          await client.query<{ table_name: string }>(
            'SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()',
          )
        ).rows.map((row) => row.table_name),
      ),
    rows: async (table) => (await client.query<Row>(`SELECT * FROM "${table}"`)).rows,
    close: () => client.end(),
  };
}
