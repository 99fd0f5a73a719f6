import { readonly, required, validate, type SchemaPathTree } from '@angular/forms/signals';
import type { KeyConfigDto } from '../api/models/key-config-dto';
import { intProblem, optionalInt } from '../shared/validators';

/** `sk-` + 48 hex characters from the browser's CSPRNG, as the reference's rotate endpoint makes them. */
export function generateSecret(
  fill: (bytes: Uint8Array<ArrayBuffer>) => Uint8Array<ArrayBuffer> = (bytes) => crypto.getRandomValues(bytes),
): string {
  const bytes = fill(new Uint8Array(24));
  return `sk-${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

export type KeyStatus = 'active' | 'disabled' | 'expired';

export interface KeyView {
  readonly name: string;
  /** As the API returns it: masked (`sk-...abcd`). */
  readonly secret: string;
  readonly comment: string;
  readonly allowedModels: readonly string[];
  readonly excludedModels: readonly string[];
  readonly allowedProviders: readonly string[];
  readonly excludedProviders: readonly string[];
  readonly allowedIps: readonly string[];
  /** Names of the user quotas the key holds. */
  readonly quotas: readonly string[];
  readonly maxConcurrency: number | null;
  readonly expiresAt: number | null;
  readonly disabledAt: number | null;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

function epoch(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value !== '') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? null : ms;
  }
  return null;
}

export function keyViewOf(name: string, raw: unknown): KeyView {
  const config = record(raw);
  return {
    name,
    secret: typeof config['secret'] === 'string' ? config['secret'] : '',
    comment: typeof config['comment'] === 'string' ? config['comment'] : '',
    allowedModels: strings(config['allowedModels']),
    excludedModels: strings(config['excludedModels']),
    allowedProviders: strings(config['allowedProviders']),
    excludedProviders: strings(config['excludedProviders']),
    allowedIps: strings(config['allowedIps']),
    quotas: [
      ...new Set([...(typeof config['quota'] === 'string' ? [config['quota']] : []), ...strings(config['quotas'])]),
    ],
    maxConcurrency: typeof config['maxConcurrency'] === 'number' ? config['maxConcurrency'] : null,
    expiresAt: epoch(config['expiresAt']),
    disabledAt: epoch(config['disabledAt']),
  };
}

export function keyViewsOf(list: Record<string, unknown>): KeyView[] {
  return Object.entries(list)
    .map(([name, raw]) => keyViewOf(name, raw))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function keyStatus(key: KeyView, now: number): KeyStatus {
  if (key.disabledAt !== null) return 'disabled';
  if (key.expiresAt !== null && key.expiresAt <= now) return 'expired';
  return 'active';
}

/** One line per list or limit that restricts the key; empty lists mean "all" and are left out. */
export function accessSummary(key: KeyView): string[] {
  const lines: string[] = [];
  if (key.allowedModels.length > 0) lines.push(`models: ${key.allowedModels.join(', ')}`);
  if (key.excludedModels.length > 0) lines.push(`not models: ${key.excludedModels.join(', ')}`);
  if (key.allowedProviders.length > 0) lines.push(`providers: ${key.allowedProviders.join(', ')}`);
  if (key.excludedProviders.length > 0) lines.push(`not providers: ${key.excludedProviders.join(', ')}`);
  if (key.allowedIps.length > 0) lines.push(`IPs: ${key.allowedIps.join(', ')}`);
  if (key.quotas.length > 0) lines.push(`quotas: ${key.quotas.join(', ')}`);
  if (key.maxConcurrency !== null) lines.push(`at most ${key.maxConcurrency} at once`);
  return lines;
}

export interface KeyFormModel {
  name: string;
  comment: string;
  allowedModels: string[];
  excludedModels: string[];
  allowedProviders: string[];
  excludedProviders: string[];
  allowedIps: string[];
  quotas: string[];
  maxConcurrency: string;
  expiresInMinutes: string;
}

export function emptyKeyForm(): KeyFormModel {
  return {
    name: '',
    comment: '',
    allowedModels: [],
    excludedModels: [],
    allowedProviders: [],
    excludedProviders: [],
    allowedIps: [],
    quotas: [],
    maxConcurrency: '',
    expiresInMinutes: '',
  };
}

export function keyFormOf(key: KeyView): KeyFormModel {
  return {
    name: key.name,
    comment: key.comment,
    allowedModels: [...key.allowedModels],
    excludedModels: [...key.excludedModels],
    allowedProviders: [...key.allowedProviders],
    excludedProviders: [...key.excludedProviders],
    allowedIps: [...key.allowedIps],
    quotas: [...key.quotas],
    maxConcurrency: key.maxConcurrency === null ? '' : String(key.maxConcurrency),
    expiresInMinutes: '',
  };
}

type KeyPolicyBody = Omit<KeyConfigDto, 'secret'>;

/** The editable fields; lists are sent even when empty so that clearing one takes effect. */
export function keyPolicyPayload(model: KeyFormModel): KeyPolicyBody {
  return {
    comment: model.comment.trim(),
    allowedModels: model.allowedModels,
    excludedModels: model.excludedModels,
    allowedProviders: model.allowedProviders,
    excludedProviders: model.excludedProviders,
    allowedIps: model.allowedIps,
    quotas: model.quotas,
    maxConcurrency: optionalInt(model.maxConcurrency) ?? null,
  };
}

/** A new key: the generated secret, its policy and (optionally) its lifetime. */
export function keyCreatePayload(model: KeyFormModel, secret: string): KeyConfigDto {
  const expires = optionalInt(model.expiresInMinutes);
  return { secret, ...keyPolicyPayload(model), ...(expires !== undefined && { expiresInMinutes: expires }) };
}

export const KEY_NAME_PATTERN = /^[^\s*/]{1,100}$/;
export const COMMENT_MAX = 500;
const MAX_MINUTES = 525_600 * 10;
const MAX_CONCURRENCY = 10_000;

export function keySchema(options: { creating: () => boolean; taken: () => ReadonlySet<string> }) {
  return (path: SchemaPathTree<KeyFormModel>): void => {
    required(path.name, { message: 'Name the key (e.g. the app or person using it)' });
    readonly(path.name, { when: () => !options.creating() });
    readonly(path.expiresInMinutes, { when: () => !options.creating() });
    validate(path.name, ({ value }) => {
      const name = value();
      if (name === '') return null;
      if (!KEY_NAME_PATTERN.test(name)) return { kind: 'pattern', message: "No spaces, '/' or '*'" };
      if (options.creating() && options.taken().has(name))
        return { kind: 'taken', message: `A key named '${name}' already exists` };
      return null;
    });
    validate(path.comment, ({ value }) =>
      value().length > COMMENT_MAX ? { kind: 'maxLength', message: `At most ${COMMENT_MAX} characters` } : null,
    );
    validate(path.maxConcurrency, ({ value }) => {
      const problem = intProblem(value(), 1, MAX_CONCURRENCY);
      return problem ? { kind: 'range', message: problem } : null;
    });
    validate(path.expiresInMinutes, ({ value }) => {
      const problem = intProblem(value(), 1, MAX_MINUTES);
      return problem ? { kind: 'range', message: problem } : null;
    });
  };
}
