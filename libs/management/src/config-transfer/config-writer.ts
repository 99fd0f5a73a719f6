import {
  ApiKeyEntity,
  ModelAliasEntity,
  ProviderEntity,
  ProviderModelEntity,
  storedSettingValue,
  SystemSettingEntity,
  UserQuotaDefinitionEntity,
} from '@plexus/persistence';
import { In, Not, type EntityManager, type FindOptionsWhere } from 'typeorm';
import { MCP_SERVERS_SETTING, type ValidatedConfig } from './config-document';

/**
 * Which objects a write replaces: `unmanaged` (an API import: objects from the config
 * file stay), `managed` (the config file: objects made through the API stay), `all` (a
 * restore).
 */
export type WriteScope = 'unmanaged' | 'managed' | 'all';

export type WriteCounts = {
  providers: number;
  model_aliases: number;
  api_keys: number;
  user_quotas: number;
  system_settings: number;
};

/**
 * Writes a validated config inside the caller's transaction: objects in scope that the
 * document lacks are deleted, the document's objects are created or replaced.
 */
export async function writeConfig(
  manager: EntityManager,
  config: ValidatedConfig,
  scope: WriteScope,
  managedNames: Set<string> = new Set(),
): Promise<WriteCounts> {
  // Replicas applying the same config file at once (a rollout) take turns instead of racing on unique names.
  await manager.query(`SELECT pg_advisory_xact_lock(hashtext('plexus:config-write'))`);
  const managedOf = (kind: string, name: string): boolean =>
    scope === 'all' ? managedNames.has(`${kind}:${name}`) : scope === 'managed';
  const inScope = scope === 'all' ? {} : { managed: scope === 'managed' };

  await removeOthers(
    manager,
    ApiKeyEntity,
    'name',
    config.keys.map((key) => key.name),
    inScope,
  );
  await removeOthers(
    manager,
    ModelAliasEntity,
    'slug',
    config.aliases.map((alias) => alias.slug),
    inScope,
  );
  await removeOthers(
    manager,
    ProviderEntity,
    'slug',
    config.providers.map((provider) => provider.slug),
    inScope,
  );
  await removeOthers(
    manager,
    UserQuotaDefinitionEntity,
    'name',
    config.quotas.map((quota) => quota.name),
    inScope,
  );

  const quotas = manager.getRepository(UserQuotaDefinitionEntity);
  for (const quota of config.quotas) {
    await quotas.upsert(
      { ...quota, managed: managedOf('user_quotas', quota.name), updatedAt: new Date() },
      { conflictPaths: ['name'] },
    );
  }

  const providers = manager.getRepository(ProviderEntity);
  const models = manager.getRepository(ProviderModelEntity);
  for (const record of config.providers) {
    const provider =
      (await providers.findOne({ where: { slug: record.slug } })) ?? providers.create({ slug: record.slug });
    Object.assign(provider, {
      displayName: record.displayName,
      apiBaseUrl: record.apiBaseUrl,
      apiKey: record.apiKey,
      enabled: record.enabled,
      settings: record.settings,
      managed: managedOf('providers', record.slug),
    });
    const saved = await providers.save(provider);
    await models.delete({ providerId: saved.id });
    if (record.models.length > 0) {
      await models.save(
        record.models.map((model, sortOrder) =>
          models.create({ providerId: saved.id, modelName: model.name, config: model.config, sortOrder }),
        ),
      );
    }
  }

  const aliases = manager.getRepository(ModelAliasEntity);
  for (const record of config.aliases) {
    const alias = (await aliases.findOne({ where: { slug: record.slug } })) ?? aliases.create({ slug: record.slug });
    Object.assign(alias, {
      aliasType: record.aliasType,
      priority: record.priority,
      targetGroups: record.targetGroups,
      additionalAliases: record.additionalAliases,
      settings: record.settings,
      managed: managedOf('models', record.slug),
    });
    await aliases.save(alias);
  }

  const keys = manager.getRepository(ApiKeyEntity);
  for (const record of config.keys) {
    const key = (await keys.findOne({ where: { name: record.name } })) ?? keys.create({ name: record.name });
    Object.assign(key, { ...record, managed: managedOf('keys', record.name) });
    await keys.save(key);
  }

  const settingCount = await writeSettings(manager, config, scope);
  return {
    providers: config.providers.length,
    model_aliases: config.aliases.length,
    api_keys: config.keys.length,
    user_quotas: config.quotas.length,
    system_settings: settingCount,
  };
}

async function removeOthers<E extends { managed: boolean }>(
  manager: EntityManager,
  entity: new () => E,
  nameColumn: keyof E & string,
  keep: string[],
  inScope: { managed?: boolean },
): Promise<void> {
  const where = { ...inScope, ...(keep.length > 0 && { [nameColumn]: Not(In(keep)) }) } as FindOptionsWhere<E>;
  // TypeORM refuses a delete without criteria; an empty scope (a restore with nothing to keep) means every row.
  if (Object.keys(where).length === 0) await manager.createQueryBuilder().delete().from(entity).execute();
  else await manager.getRepository(entity).delete(where);
}

/** Settings have no managed marker: the file sets the keys it names, an import or restore replaces them all. */
async function writeSettings(manager: EntityManager, config: ValidatedConfig, scope: WriteScope): Promise<number> {
  const settings = manager.getRepository(SystemSettingEntity);
  const values: Array<[string, unknown]> = Object.entries(config.settings ?? {});
  if (config.settings !== undefined && scope !== 'managed') await settings.delete({ key: Not(MCP_SERVERS_SETTING) });
  if (config.mcpServers !== undefined) {
    if (Object.keys(config.mcpServers).length > 0) values.push([MCP_SERVERS_SETTING, config.mcpServers]);
    else await settings.delete({ key: MCP_SERVERS_SETTING });
  }
  for (const [key, value] of values) {
    await manager.query(
      `INSERT INTO system_settings (key, value, updated_at) VALUES ($1, $2::jsonb, now())
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`,
      [key, JSON.stringify(storedSettingValue(key, value))],
    );
  }
  return values.length;
}
