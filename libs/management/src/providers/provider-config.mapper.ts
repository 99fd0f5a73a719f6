import { maskSecret } from '@plexus/auth';
import { mapProviderSecrets, providerSecretsOf, type ProviderRecord } from '@plexus/persistence';
import { validationFailed } from '../common/validation';
import type { ProviderConfigDto } from './provider.dto';

const COLUMN_FIELDS = new Set(['api_base_url', 'display_name', 'api_key', 'enabled', 'models', 'managed']);

export function providerRecordFrom(slug: string, config: ProviderConfigDto): ProviderRecord {
  const settings: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(config)) if (!COLUMN_FIELDS.has(field)) settings[field] = value;
  const models = config.models;
  return {
    slug,
    displayName: config.display_name ?? null,
    apiBaseUrl: config.api_base_url,
    apiKey: config.api_key ?? null,
    enabled: config.enabled ?? true,
    settings,
    models: Array.isArray(models)
      ? models.map((name) => ({ name, config: {} }))
      : Object.entries(models ?? {}).map(([name, modelConfig]) => ({ name, config: modelConfig })),
  };
}

/** What maskSecret produces: a masked value can only stand for a secret already stored. */
export const MASKED_SECRET = /^(.{3}\.\.\..{4}|\*{1,8})$/;

/**
 * A provider to store with the secrets a client sent back masked (as GET shows them)
 * replaced by the stored ones: `api_key`, header values and the quota checker's
 * credential options. A masked header or checker credential with nothing stored to keep is a 400.
 */
export function withStoredSecrets(record: ProviderRecord, stored: ProviderRecord | null): ProviderRecord {
  const storedSecrets = stored ? providerSecretsOf(stored.settings) : new Map<string, string>();
  const refused: string[][] = [];
  const settings = mapProviderSecrets(record.settings, (value, path) => {
    const kept = storedSecrets.get(path.join('.'));
    if (kept !== undefined && value === maskSecret(kept)) return kept;
    if (MASKED_SECRET.test(value)) refused.push(path);
    return value;
  });
  if (refused.length > 0) {
    throw validationFailed(
      refused.map((path) => ({
        path,
        message: 'A masked secret can only keep a stored one: give the real value',
        code: 'masked_secret',
      })),
    );
  }
  const keepKey = stored?.apiKey != null && record.apiKey !== null && record.apiKey === maskSecret(stored.apiKey);
  return { ...record, apiKey: keepKey ? stored.apiKey : record.apiKey, settings };
}

/** The ProviderConfig of a stored provider; `api_key`, header values and the quota checker's credential options masked unless `revealSecrets`. */
export function providerConfigOf(record: ProviderRecord, revealSecrets = false): Record<string, unknown> {
  const plainList = record.models.every((model) => Object.keys(model.config).length === 0);
  const settings = revealSecrets ? record.settings : mapProviderSecrets(record.settings, maskSecret);
  return {
    ...(record.displayName !== null && { display_name: record.displayName }),
    api_base_url: record.apiBaseUrl,
    ...(record.apiKey !== null && { api_key: revealSecrets ? record.apiKey : maskSecret(record.apiKey) }),
    enabled: record.enabled,
    ...(record.models.length > 0 && {
      models: plainList
        ? record.models.map((model) => model.name)
        : Object.fromEntries(record.models.map((model) => [model.name, model.config])),
    }),
    ...settings,
    ...(record.managed === true && { managed: true }),
  };
}
