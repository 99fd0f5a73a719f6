import { InitialSchema1764000000000 } from './1764000000000-initial-schema';
import { StoredResponses1764000100000 } from './1764000100000-stored-responses';
import { CooldownsAndSettings1764000200000 } from './1764000200000-cooldowns-and-settings';
import { UsageCosts1764000300000 } from './1764000300000-usage-costs';
import { UserQuotas1764000500000 } from './1764000500000-user-quotas';
import { MeterSnapshots1764000600000 } from './1764000600000-meter-snapshots';
import { ManagedConfig1764000800000 } from './1764000800000-managed-config';
import { AuditLog1764000850000 } from './1764000850000-audit-log';
import { DebugTraces1764000900000 } from './1764000900000-debug-traces';
import { ResponseConversations1764001300000 } from './1764001300000-response-conversations';
import { McpGateway1764001500000 } from './1764001500000-mcp-gateway';
import { OAuthCredentials1764001600000 } from './1764001600000-oauth-credentials';
import { ConfigVersion1764001700000 } from './1764001700000-config-version';
import { RequestShaping1764001800000 } from './1764001800000-request-shaping';

/** Every migration, in order. Listed explicitly so bundling never loses one. */
export const MIGRATIONS = [
  InitialSchema1764000000000,
  StoredResponses1764000100000,
  CooldownsAndSettings1764000200000,
  UsageCosts1764000300000,
  UserQuotas1764000500000,
  MeterSnapshots1764000600000,
  ManagedConfig1764000800000,
  AuditLog1764000850000,
  DebugTraces1764000900000,
  ResponseConversations1764001300000,
  McpGateway1764001500000,
  OAuthCredentials1764001600000,
  ConfigVersion1764001700000,
  RequestShaping1764001800000,
];
