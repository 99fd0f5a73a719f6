import { ApiKeyEntity } from './api-key.entity';
import { DebugLogEntity } from './debug-log.entity';
import { AuditLogEntity } from './audit-log.entity';
import { ModelAliasEntity } from './model-alias.entity';
import { ProviderCooldownEntity } from './provider-cooldown.entity';
import { ProviderModelEntity } from './provider-model.entity';
import { ProviderEntity } from './provider.entity';
import { RequestUsageEntity } from './request-usage.entity';
import { StoredResponseEntity } from './stored-response.entity';
import { SystemSettingEntity } from './system-setting.entity';
import { QuotaStateEntity } from './quota-state.entity';
import { UserQuotaDefinitionEntity } from './user-quota-definition.entity';
import { MeterSnapshotEntity } from './meter-snapshot.entity';
import { McpServerKeyEntity } from './mcp-server-key.entity';
import { McpRequestUsageEntity } from './mcp-request-usage.entity';
import { OAuthCredentialEntity } from './oauth-credential.entity';

export * from './api-key.entity';
export * from './debug-log.entity';
export * from './audit-log.entity';
export * from './model-alias.entity';
export * from './provider-model.entity';
export * from './provider.entity';
export * from './request-usage.entity';
export * from './stored-response.entity';
export * from './provider-cooldown.entity';
export * from './system-setting.entity';
export * from './user-quota-definition.entity';
export * from './quota-state.entity';
export * from './meter-snapshot.entity';
export * from './mcp-server-key.entity';
export * from './mcp-request-usage.entity';
export * from './oauth-credential.entity';

export const ENTITIES = [
  ProviderEntity,
  ProviderModelEntity,
  ModelAliasEntity,
  ApiKeyEntity,
  RequestUsageEntity,
  StoredResponseEntity,
  ProviderCooldownEntity,
  SystemSettingEntity,
  UserQuotaDefinitionEntity,
  QuotaStateEntity,
  MeterSnapshotEntity,
  DebugLogEntity,
  AuditLogEntity,
  McpServerKeyEntity,
  McpRequestUsageEntity,
  OAuthCredentialEntity,
];
