import { applyEach, readonly, required, validate, type SchemaPathTree } from '@angular/forms/signals';
import type { FetchModelsRequestDto } from '../api/models/fetch-models-request-dto';
import type { ProviderConfigDto } from '../api/models/provider-config-dto';
import { SLUG_HINT, SLUG_PATTERN, httpUrlProblem, intProblem, optionalInt } from '../shared/validators';

/** API types a provider's URL map may name (the reference's keys; others are allowed too). */
export const API_TYPES = [
  'chat',
  'messages',
  'gemini',
  'responses',
  'completions',
  'embeddings',
  'transcriptions',
  'speech',
  'images',
  'ollama',
  'default',
] as const;

export const TIMEOUT_MIN_MS = 1000;
export const TIMEOUT_MAX_MS = 3_600_000;

/** A provider as the list and the editor use it, read from the API's loosely typed config. */
export interface ProviderView {
  readonly slug: string;
  readonly displayName: string | null;
  /** A single base URL has one entry with type ''. */
  readonly urls: readonly { readonly type: string; readonly url: string }[];
  readonly hasApiKey: boolean;
  readonly enabled: boolean;
  readonly models: readonly string[];
  /** Per-model settings when the provider stores a model map (kept when the editor saves). */
  readonly modelConfigs: Readonly<Record<string, object>> | null;
  readonly timeoutMs: number | null;
  /** The provider fields the form has no control for, as stored (secrets masked). */
  readonly advanced: Readonly<Record<string, unknown>>;
}

/** Provider fields edited as JSON in the form's advanced section. */
export const ADVANCED_FIELDS = [
  'headers',
  'extraBody',
  'discount',
  'disable_cooldown',
  'quota_checker',
  'stallTtfbMs',
  'stallTtfbBytes',
  'stallMinBps',
  'stallWindowMs',
  'stallGracePeriodMs',
  'stall_cooldown',
] as const;

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function providerViewOf(slug: string, raw: unknown): ProviderView {
  const config = record(raw);
  const base = config['api_base_url'];
  const urls =
    typeof base === 'string'
      ? [{ type: '', url: base }]
      : Object.entries(record(base)).map(([type, url]) => ({ type, url: String(url) }));
  const models = config['models'];
  const modelConfigs = Array.isArray(models) ? null : (record(models) as Record<string, object>);
  return {
    slug,
    displayName:
      typeof config['display_name'] === 'string' && config['display_name'] !== '' ? config['display_name'] : null,
    urls,
    hasApiKey: typeof config['api_key'] === 'string' && config['api_key'] !== '',
    enabled: config['enabled'] !== false,
    models: Array.isArray(models) ? models.map(String) : Object.keys(modelConfigs ?? {}),
    modelConfigs: modelConfigs && Object.keys(modelConfigs).length > 0 ? modelConfigs : null,
    timeoutMs: typeof config['timeoutMs'] === 'number' ? config['timeoutMs'] : null,
    advanced: Object.fromEntries(
      ADVANCED_FIELDS.filter((field) => config[field] !== undefined).map((field) => [field, config[field]]),
    ),
  };
}

/** `GET /providers` (a map keyed by slug), sorted by slug. */
export function providerViewsOf(list: Record<string, unknown>): ProviderView[] {
  return Object.entries(list)
    .map(([slug, raw]) => providerViewOf(slug, raw))
    .sort((a, b) => a.slug.localeCompare(b.slug));
}

export interface ProviderFormModel {
  slug: string;
  display_name: string;
  urlMode: 'single' | 'map';
  api_base_url: string;
  urls: { type: string; url: string }[];
  api_key: string;
  enabled: boolean;
  models: string[];
  timeoutMs: string;
  /** JSON object of ADVANCED_FIELDS. */
  advanced: string;
}

export function emptyProviderForm(): ProviderFormModel {
  return {
    slug: '',
    display_name: '',
    urlMode: 'single',
    api_base_url: '',
    urls: [{ type: 'chat', url: '' }],
    api_key: '',
    enabled: true,
    models: [],
    timeoutMs: '',
    advanced: '',
  };
}

export function providerFormOf(view: ProviderView): ProviderFormModel {
  const single = view.urls.length === 1 && view.urls[0]?.type === '';
  return {
    slug: view.slug,
    display_name: view.displayName ?? '',
    urlMode: single ? 'single' : 'map',
    api_base_url: single ? (view.urls[0]?.url ?? '') : '',
    urls: single || view.urls.length === 0 ? [{ type: 'chat', url: '' }] : view.urls.map((entry) => ({ ...entry })),
    api_key: '',
    enabled: view.enabled,
    models: [...view.models],
    timeoutMs: view.timeoutMs === null ? '' : String(view.timeoutMs),
    advanced: Object.keys(view.advanced).length === 0 ? '' : JSON.stringify(view.advanced, null, 2),
  };
}

/**
 * The body to save. Creating (no `original`) sends a full config for PUT. Editing sends a PATCH
 * body: the API key only when a new one was typed (the stored one is never shown), per-model
 * settings kept for the models that stay, and `timeoutMs: null` to clear a timeout.
 */
export function providerPayload(model: ProviderFormModel, original: ProviderView | null): ProviderConfigDto {
  const names = model.models.map((name) => name.trim()).filter((name) => name !== '');
  const configs = original?.modelConfigs;
  const timeout = optionalInt(model.timeoutMs);
  const body: Record<string, unknown> = {
    api_base_url:
      model.urlMode === 'single'
        ? model.api_base_url.trim()
        : Object.fromEntries(model.urls.map((entry) => [entry.type.trim(), entry.url.trim()])),
    enabled: model.enabled,
    models: configs ? Object.fromEntries(names.map((name) => [name, configs[name] ?? {}])) : names,
  };
  const displayName = model.display_name.trim();
  if (displayName !== '' || original) body['display_name'] = displayName;
  if (model.api_key !== '') body['api_key'] = model.api_key;
  if (timeout !== undefined) body['timeoutMs'] = timeout;
  else if (original?.timeoutMs != null) body['timeoutMs'] = null;
  const advanced = parseAdvanced(model.advanced);
  if (typeof advanced !== 'string') Object.assign(body, advanced);
  return body as unknown as ProviderConfigDto;
}

/** The advanced section's JSON as an object of known fields, or what is wrong with it. */
export function parseAdvanced(text: string): Record<string, unknown> | string {
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'Not valid JSON';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'Must be a JSON object';
  const known: ReadonlySet<string> = new Set(ADVANCED_FIELDS);
  const unknown = Object.keys(parsed).filter((field) => !known.has(field));
  if (unknown.length > 0) return `Unknown field(s): ${unknown.join(', ')}`;
  return parsed as Record<string, unknown>;
}

/**
 * Client-side rules. `creating` is read reactively (a route input, set after the form exists);
 * `taken` holds the slugs that already exist.
 */
export function providerSchema(options: { creating: () => boolean; taken: () => ReadonlySet<string> }) {
  return (path: SchemaPathTree<ProviderFormModel>): void => {
    required(path.slug, { message: 'Enter a slug' });
    readonly(path.slug, { when: () => !options.creating() });
    validate(path.slug, ({ value }) => {
      const slug = value();
      if (slug === '') return null;
      if (!SLUG_PATTERN.test(slug)) return { kind: 'pattern', message: SLUG_HINT };
      if (options.creating() && options.taken().has(slug))
        return { kind: 'taken', message: `A provider named '${slug}' already exists` };
      return null;
    });
    validate(path.api_base_url, ({ value, valueOf }) => {
      if (valueOf(path.urlMode) !== 'single') return null;
      const problem = httpUrlProblem(value());
      return problem ? { kind: 'url', message: problem } : null;
    });
    validate(path.urls, ({ value, valueOf }) =>
      valueOf(path.urlMode) === 'map' && value().length === 0
        ? { kind: 'required', message: 'Add at least one URL' }
        : null,
    );
    applyEach(path.urls, (entry) => {
      validate(entry.type, ({ value, valueOf }) => {
        if (valueOf(path.urlMode) !== 'map') return null;
        const type = value().trim();
        if (type === '') return { kind: 'required', message: 'Enter an API type' };
        const same = valueOf(path.urls).filter((other) => other.type.trim() === type).length;
        return same > 1 ? { kind: 'duplicate', message: `'${type}' is listed twice` } : null;
      });
      validate(entry.url, ({ value, valueOf }) => {
        if (valueOf(path.urlMode) !== 'map') return null;
        const problem = httpUrlProblem(value());
        return problem ? { kind: 'url', message: problem } : null;
      });
    });
    required(path.api_key, { message: 'Enter the upstream API key', when: () => options.creating() });
    validate(path.timeoutMs, ({ value }) => {
      const problem = intProblem(value(), TIMEOUT_MIN_MS, TIMEOUT_MAX_MS);
      return problem ? { kind: 'range', message: problem } : null;
    });
    validate(path.advanced, ({ value }) => {
      const parsed = parseAdvanced(value());
      return typeof parsed === 'string' ? { kind: 'json', message: parsed } : null;
    });
  };
}

export type FetchModelsPlan = { ok: true; body: FetchModelsRequestDto } | { ok: false; problem: string };

/**
 * How to ask for the upstream's model list: an existing provider whose key is not being
 * replaced is named by slug (the gateway uses its stored key); otherwise the typed URL and key.
 */
export function fetchModelsPlan(model: ProviderFormModel, creating: boolean): FetchModelsPlan {
  if (!creating && model.api_key.trim() === '') return { ok: true, body: { provider: model.slug } };
  const url =
    model.urlMode === 'single'
      ? model.api_base_url.trim()
      : ((model.urls.find((u) => u.type === 'chat') ?? model.urls[0])?.url.trim() ?? '');
  if (url === '') return { ok: false, problem: 'Enter the base URL first' };
  return { ok: true, body: { url, ...(model.api_key.trim() !== '' && { apiKey: model.api_key.trim() }) } };
}

/** The current models plus the fetched ones not yet listed (in the upstream's order). */
export function mergeModels(
  current: readonly string[],
  fetched: readonly string[],
): { models: string[]; added: number } {
  const known = new Set(current);
  const fresh = [...new Set(fetched)].filter((id) => !known.has(id));
  return { models: [...current, ...fresh], added: fresh.length };
}
