import type { AliasRecord } from '@plexus/persistence';
import type { AliasConfigDto } from './alias.dto';

const COLUMN_FIELDS = new Set([
  'target_groups',
  'type',
  'priority',
  'additional_aliases',
  'selector',
  'targets',
  'managed',
]);

/** Legacy flat `{selector, targets}` aliases become one group named `default`, as in the reference. */
export function normalizeLegacyAlias(body: Record<string, unknown>): Record<string, unknown> {
  if (body['target_groups'] !== undefined || body['targets'] === undefined) return body;
  const { selector, targets, ...rest } = body;
  return { ...rest, target_groups: [{ name: 'default', selector: selector ?? 'random', targets }] };
}

export function aliasRecordFrom(slug: string, config: AliasConfigDto): AliasRecord {
  const settings: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(config)) if (!COLUMN_FIELDS.has(field)) settings[field] = value;
  return {
    slug,
    aliasType: config.type ?? 'text',
    priority: config.priority ?? 'selector',
    targetGroups: config.target_groups.map((group) => ({
      name: group.name,
      selector: group.selector,
      targets: group.targets.map((target) => ({
        provider: target.provider,
        model: target.model,
        ...(target.enabled !== undefined && { enabled: target.enabled }),
      })),
    })),
    additionalAliases: config.additional_aliases ?? [],
    settings,
  };
}

export function aliasConfigOf(record: AliasRecord): Record<string, unknown> {
  return {
    type: record.aliasType,
    priority: record.priority,
    target_groups: record.targetGroups,
    ...(record.additionalAliases.length > 0 && { additional_aliases: record.additionalAliases }),
    ...record.settings,
    ...(record.managed === true && { managed: true }),
  };
}
