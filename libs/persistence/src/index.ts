export * from './entities';
export { MIGRATIONS } from './migrations';
export { dataSourceOptions, type DataSourceParams } from './database/data-source-options';
export { DatabaseEndpoint, type DatabaseParams } from './database/database-endpoint';
export { PersistenceModule } from './persistence.module';
export * from './repositories/provider.repository';
export * from './repositories/alias.repository';
export * from './repositories/api-key.repository';
export * from './repositories/usage.repository';
export * from './repositories/stored-response.repository';
export * from './repositories/cooldown.repository';
export * from './repositories/system-settings.repository';
export * from './repositories/user-quota.repository';
export * from './repositories/quota-state.repository';
export * from './repositories/meter-snapshot.repository';
export { copyLegacyQuotaSnapshots, periodOfWindowType, type LegacySnapshotCopy } from './legacy/legacy-quota-snapshots';
export * from './repositories/debug-log.repository';
export * from './repositories/audit-log.repository';
export * from './repositories/concurrency.repository';
export * from './repositories/mcp.repository';
export * from './repositories/oauth-credential.repository';
export { SecretCipher, SecretCipherError, useSecretCipher } from './encryption/secret-cipher';
export { reconcileSecretsAtRest, rekeySecrets } from './encryption/secrets-at-rest';
export { isCredentialOption, mapProviderSecrets, providerSecretsOf } from './encryption/provider-secrets';
export {
  mapMcpServerSecrets,
  MCP_SERVERS_SETTING,
  mcpServerSecretsOf,
  storedSettingValue,
} from './encryption/mcp-server-secrets';
export * from './config-bus';
export { runMigrationsOnce } from './database/run-migrations';
