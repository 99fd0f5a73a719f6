import { maskSecret } from '@plexus/auth';
import type { ProviderRecord } from '@plexus/persistence';
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

/** The ProviderConfig of a stored provider; `api_key` masked unless `revealSecrets`. */
export function providerConfigOf(record: ProviderRecord, revealSecrets = false): Record<string, unknown> {
  const plainList = record.models.every((model) => Object.keys(model.config).length === 0);
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
    ...record.settings,
    ...(record.managed === true && { managed: true }),
  };
}
