import type { AliasRecord, ApiKeyRecord, ProviderRecord, UserQuotaRecord } from '@plexus/persistence';

export type ConfigMap = Record<string, Record<string, unknown>>;

/**
 * The configuration as one document, in the reference's `Config` shape: what
 * `GET /config/export` answers, `PUT /config` replaces, and the PLEXUS_CONFIG file holds.
 */
export interface ConfigDocument {
  providers?: ConfigMap;
  /** Model aliases, keyed by slug (the reference calls them `models`). */
  models?: ConfigMap;
  keys?: ConfigMap;
  user_quotas?: ConfigMap;
  /** Stored as given (no MCP proxy acts on them yet), so an import from Plexus keeps them. */
  mcp_servers?: ConfigMap;
  system_settings?: Record<string, unknown>;
  /**
   * How the document carries secrets: `masked` (an export: a masked value means "keep
   * the stored secret"), `plaintext`, or `encrypted` (a backup from a gateway with
   * ENCRYPTION_KEY: `enc:v1:` values, readable only with the same key).
   */
  secrets?: SecretsForm;
}

export type SecretsForm = 'masked' | 'plaintext' | 'encrypted';

export { MCP_SERVERS_SETTING } from '@plexus/persistence';

/** A document checked in full: records ready to write. */
export interface ValidatedConfig {
  providers: ProviderRecord[];
  aliases: AliasRecord[];
  keys: ApiKeyRecord[];
  quotas: UserQuotaRecord[];
  mcpServers: ConfigMap | undefined;
  settings: Record<string, unknown> | undefined;
}

/** `GET /backup`: the reference's config-only envelope. */
export interface BackupEnvelope {
  plexus_backup: true;
  version: 1;
  created_at: string;
  dialect: 'postgres';
  /** `encrypted` when the gateway has ENCRYPTION_KEY: secrets stay as stored. */
  secrets: Exclude<SecretsForm, 'masked'>;
  data: {
    providers: ConfigMap;
    models: ConfigMap;
    keys: ConfigMap;
    user_quotas: ConfigMap;
    mcp_servers: ConfigMap;
    settings: Record<string, unknown>;
    oauth_credentials: unknown[];
  };
}
