import { maskSecret } from '@plexus/auth';
import type { ApiKeyRecord } from '@plexus/persistence';

/** The key settings stored in its policy (everything but secret, comment and the dates). */
export const POLICY_FIELDS = [
  'allowedModels',
  'excludedModels',
  'allowedProviders',
  'excludedProviders',
  'allowRawPassthrough',
  'allowedIps',
  'quota',
  'quotas',
  'maxConcurrency',
  'allowedMcpServers',
  'mcpToolPolicy',
] as const;

export function keyConfigOf(record: ApiKeyRecord): Record<string, unknown> {
  return {
    secret: maskSecret(record.secret),
    ...(record.comment !== null && { comment: record.comment }),
    ...record.policy,
    ...(record.expiresAt !== null && { expiresAt: record.expiresAt.getTime() }),
    ...(record.disabledAt !== null && { disabledAt: record.disabledAt.getTime() }),
    ...(record.managed === true && { managed: true }),
  };
}
