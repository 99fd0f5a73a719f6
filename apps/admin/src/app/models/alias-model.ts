import { applyEach, readonly, required, validate, type SchemaPathTree } from '@angular/forms/signals';
import type { AliasConfigDto } from '../api/models/alias-config-dto';
import type { AliasTargetGroupDto } from '../api/models/alias-target-group-dto';

export type AliasType = NonNullable<AliasConfigDto['type']>;
export type AliasPriority = NonNullable<AliasConfigDto['priority']>;
export type Selector = AliasTargetGroupDto['selector'];

/** Every selector of the API's enum, with what it does (a Record, so a new enum value fails to compile). */
export const SELECTOR_LABELS: Readonly<Record<Selector, string>> = {
  in_order: 'In order (first healthy target)',
  random: 'Random',
  cost: 'Cheapest',
  latency: 'Lowest latency',
  usage: 'Least used',
  quota: 'Most quota left',
  performance: 'Fastest tokens/s',
  e2e_performance: 'Fastest end to end',
};
export const SELECTORS = Object.keys(SELECTOR_LABELS) as Selector[];

export const ALIAS_TYPE_LABELS: Readonly<Record<AliasType, string>> = {
  text: 'Text',
  embeddings: 'Embeddings',
  transcriptions: 'Transcriptions',
  speech: 'Speech',
  image: 'Image',
};
export const ALIAS_TYPES = Object.keys(ALIAS_TYPE_LABELS) as AliasType[];

export const PRIORITY_LABELS: Readonly<Record<AliasPriority, string>> = {
  selector: "Selector's order",
  api_match: "Targets that speak the client's API first",
};
export const PRIORITIES = Object.keys(PRIORITY_LABELS) as AliasPriority[];

export interface AliasTargetModel {
  provider: string;
  model: string;
  enabled: boolean;
}

export interface AliasGroupModel {
  name: string;
  selector: Selector;
  targets: AliasTargetModel[];
}

/** The alias's compaction override: the global setting, or compaction on or off for this alias. */
export type CompactionOverride = 'inherit' | 'on' | 'off';

export const COMPACTION_LABELS: Readonly<Record<CompactionOverride, string>> = {
  inherit: 'As the provider or global setting says',
  on: 'On for this alias',
  off: 'Off for this alias',
};
export const COMPACTION_OVERRIDES = Object.keys(COMPACTION_LABELS) as CompactionOverride[];

/** An alias as the list and the editor use it; also the editor's form model. */
export interface AliasFormModel {
  slug: string;
  type: AliasType;
  priority: AliasPriority;
  additional_aliases: string[];
  target_groups: AliasGroupModel[];
  use_image_fallthrough: boolean;
  enforce_limits: boolean;
  compaction: CompactionOverride;
}

function compactionOverrideOf(value: unknown): CompactionOverride {
  const enabled = record(value)['enabled'];
  return enabled === true ? 'on' : enabled === false ? 'off' : 'inherit';
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return allowed.includes(value as T) ? (value as T) : fallback;
}

export function aliasOf(slug: string, raw: unknown): AliasFormModel {
  const config = record(raw);
  const groups = Array.isArray(config['target_groups']) ? config['target_groups'] : [];
  return {
    slug,
    type: oneOf(config['type'], ALIAS_TYPES, 'text'),
    priority: oneOf(config['priority'], PRIORITIES, 'selector'),
    additional_aliases: Array.isArray(config['additional_aliases']) ? config['additional_aliases'].map(String) : [],
    use_image_fallthrough: config['use_image_fallthrough'] === true,
    enforce_limits: config['enforce_limits'] === true,
    compaction: compactionOverrideOf(config['compaction']),
    target_groups: groups.map((rawGroup) => {
      const group = record(rawGroup);
      const targets = Array.isArray(group['targets']) ? group['targets'] : [];
      return {
        name: String(group['name'] ?? ''),
        selector: oneOf(group['selector'], SELECTORS, 'in_order'),
        targets: targets.map((rawTarget) => {
          const target = record(rawTarget);
          return {
            provider: String(target['provider'] ?? ''),
            model: String(target['model'] ?? ''),
            enabled: target['enabled'] !== false,
          };
        }),
      };
    }),
  };
}

export function aliasesOf(list: Record<string, unknown>): AliasFormModel[] {
  return Object.entries(list)
    .map(([slug, raw]) => aliasOf(slug, raw))
    .sort((a, b) => a.slug.localeCompare(b.slug));
}

export function emptyTarget(): AliasTargetModel {
  return { provider: '', model: '', enabled: true };
}

export function emptyGroup(name = 'default'): AliasGroupModel {
  return { name, selector: 'in_order', targets: [emptyTarget()] };
}

export function emptyAliasForm(): AliasFormModel {
  return {
    slug: '',
    type: 'text',
    priority: 'selector',
    additional_aliases: [],
    target_groups: [emptyGroup()],
    use_image_fallthrough: false,
    enforce_limits: false,
    compaction: 'inherit',
  };
}

/** A free group name: default, group-2, group-3, ... */
export function nextGroupName(groups: readonly AliasGroupModel[]): string {
  const names = new Set(groups.map((group) => group.name));
  if (!names.has('default')) return 'default';
  let n = groups.length + 1;
  while (names.has(`group-${n}`)) n++;
  return `group-${n}`;
}

/** Moves an item by `delta` places; out-of-range moves leave the list as it is. */
export function move<T>(items: readonly T[], index: number, delta: number): T[] {
  const to = index + delta;
  if (index < 0 || index >= items.length || to < 0 || to >= items.length) return [...items];
  const copy = [...items];
  const [item] = copy.splice(index, 1);
  copy.splice(to, 0, item as T);
  return copy;
}

/** The body for PUT (create) or PATCH (edit); the editor owns these fields only. */
export function aliasPayload(model: AliasFormModel): AliasConfigDto {
  return {
    type: model.type,
    priority: model.priority,
    additional_aliases: model.additional_aliases.map((name) => name.trim()).filter((name) => name !== ''),
    use_image_fallthrough: model.use_image_fallthrough,
    enforce_limits: model.enforce_limits,
    // No fields: no override. Other compaction fields set through the API are replaced.
    compaction: model.compaction === 'inherit' ? {} : { enabled: model.compaction === 'on' },
    target_groups: model.target_groups.map((group) => ({
      name: group.name.trim(),
      selector: group.selector,
      targets: group.targets.map((target) => ({
        provider: target.provider,
        model: target.model.trim(),
        enabled: target.enabled,
      })),
    })),
  };
}

/** Alias names: no spaces or '*'; '/' and ':' are fine (e.g. openai/gpt-4o). */
export const ALIAS_SLUG_PATTERN = /^[^\s*]{1,200}$/;

/** Client-side rules; `takenBy(name)` names the other alias that already uses a name. */
export function aliasSchema(options: { creating: () => boolean; takenBy: (name: string) => string | null }) {
  return (path: SchemaPathTree<AliasFormModel>): void => {
    required(path.slug, { message: 'Enter the alias name clients ask for' });
    readonly(path.slug, { when: () => !options.creating() });
    validate(path.slug, ({ value }) => {
      const slug = value();
      if (slug === '') return null;
      if (!ALIAS_SLUG_PATTERN.test(slug)) return { kind: 'pattern', message: "No spaces or '*'" };
      const owner = options.creating() ? options.takenBy(slug) : null;
      return owner ? { kind: 'taken', message: `'${slug}' is already used by alias '${owner}'` } : null;
    });
    validate(path.additional_aliases, ({ value, valueOf }) => {
      const slug = valueOf(path.slug);
      for (const name of value()) {
        if (name === slug) return { kind: 'duplicate', message: `'${name}' is the alias itself` };
        const owner = options.takenBy(name);
        if (owner && owner !== slug) return { kind: 'taken', message: `'${name}' is already used by alias '${owner}'` };
      }
      return null;
    });
    validate(path.target_groups, ({ value }) =>
      value().length === 0 ? { kind: 'required', message: 'Add at least one target group' } : null,
    );
    applyEach(path.target_groups, (group) => {
      required(group.name, { message: 'Name the group' });
      validate(group.name, ({ value, valueOf }) => {
        const name = value().trim();
        const same = valueOf(path.target_groups).filter((other) => other.name.trim() === name).length;
        return name !== '' && same > 1 ? { kind: 'duplicate', message: `Two groups are named '${name}'` } : null;
      });
      validate(group.targets, ({ value }) =>
        value().length === 0 ? { kind: 'required', message: 'Add at least one target' } : null,
      );
      applyEach(group.targets, (target) => {
        required(target.provider, { message: 'Pick a provider' });
        required(target.model, { message: 'Enter the model' });
        validate(target.model, ({ value, valueOf }) => {
          const key = `${valueOf(target.provider)}/${value().trim()}`;
          const all = valueOf(path.target_groups).flatMap((g) =>
            g.targets.map((t) => `${t.provider}/${t.model.trim()}`),
          );
          return value().trim() !== '' && all.filter((other) => other === key).length > 1
            ? { kind: 'duplicate', message: `${key} is listed twice` }
            : null;
        });
      });
    });
  };
}
