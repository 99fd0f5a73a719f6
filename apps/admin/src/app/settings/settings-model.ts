import { validate, type SchemaPathTree } from '@angular/forms/signals';

export type SettingValue = string | boolean | string[];
/** A section's form: numbers are typed as text, toggles are booleans, lists are chip lists. */
export type SettingsFormModel = Record<string, SettingValue>;

interface FieldBase {
  readonly key: string;
  readonly label: string;
  readonly hint?: string;
}

export interface NumberField extends FieldBase {
  readonly kind: 'number';
  readonly min: number;
  readonly max?: number;
  readonly integer: boolean;
  /** Empty means null: the check is switched off. */
  readonly nullable?: boolean;
  readonly unit?: string;
}

export interface ToggleField extends FieldBase {
  readonly kind: 'toggle';
}

export interface ListField extends FieldBase {
  readonly kind: 'list';
  /** Items are whole numbers within [min, max] (sent as numbers). */
  readonly ints?: { readonly min: number; readonly max: number };
  readonly maxLength?: number;
}

export interface TextField extends FieldBase {
  readonly kind: 'text';
  /** Empty means null. */
  readonly nullable?: boolean;
  readonly multiline?: boolean;
  readonly maxLength: number;
}

export type SettingField = NumberField | ToggleField | ListField | TextField;

/** A cross-field rule: an error message for the named field, or null. */
export interface SettingRule {
  readonly field: string;
  readonly check: (values: Readonly<Record<string, unknown>>) => string | null;
}

export interface SettingsSectionSpec {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly fields: readonly SettingField[];
  readonly rules?: readonly SettingRule[];
  /** A one-off action beside the form (e.g. clearing a cache). */
  readonly action?: { readonly label: string; readonly done: string };
}

export const SETTINGS_SECTIONS: readonly SettingsSectionSpec[] = [
  {
    id: 'cooldown',
    title: 'Cooldown',
    description: 'A failing provider model sits out for a while; each further failure doubles the wait up to the cap.',
    fields: [
      {
        kind: 'number',
        key: 'initialMinutes',
        label: 'First cooldown',
        unit: 'minutes',
        min: 0.1,
        integer: false,
        hint: '0.1 = 6 seconds',
      },
      { kind: 'number', key: 'maxMinutes', label: 'Longest cooldown', unit: 'minutes', min: 0.1, integer: false },
    ],
    rules: [
      {
        field: 'maxMinutes',
        check: (v) =>
          typeof v['maxMinutes'] === 'number' &&
          typeof v['initialMinutes'] === 'number' &&
          v['maxMinutes'] < v['initialMinutes']
            ? 'At least the first cooldown'
            : null,
      },
    ],
  },
  {
    id: 'timeout',
    title: 'Timeouts',
    description: "How long an upstream call may take; a provider's own timeout overrides it.",
    fields: [
      {
        kind: 'number',
        key: 'defaultSeconds',
        label: 'Default upstream timeout',
        unit: 'seconds',
        min: 1,
        max: 3600,
        integer: true,
      },
    ],
  },
  {
    id: 'stall',
    title: 'Stall detection',
    description: 'Streams that start too slowly or trickle are abandoned (and fail over when they can).',
    fields: [
      {
        kind: 'number',
        key: 'ttfbSeconds',
        label: 'First bytes within',
        unit: 'seconds',
        min: 5,
        max: 120,
        integer: true,
        nullable: true,
        hint: 'Empty: no check',
      },
      {
        kind: 'number',
        key: 'ttfbBytes',
        label: 'Bytes that count as a start',
        unit: 'bytes',
        min: 50,
        max: 10000,
        integer: true,
      },
      {
        kind: 'number',
        key: 'minBytesPerSecond',
        label: 'Least throughput',
        unit: 'bytes/s',
        min: 50,
        max: 5000,
        integer: true,
        nullable: true,
        hint: 'Empty: no check',
      },
      {
        kind: 'number',
        key: 'windowSeconds',
        label: 'Throughput window',
        unit: 'seconds',
        min: 3,
        max: 30,
        integer: true,
      },
      {
        kind: 'number',
        key: 'gracePeriodSeconds',
        label: 'Grace after the first bytes',
        unit: 'seconds',
        min: 0,
        max: 120,
        integer: true,
      },
    ],
  },
  {
    id: 'failover',
    title: 'Failover',
    description: 'Which failures move a request on to the next target, and how many attempts it gets.',
    fields: [
      { kind: 'toggle', key: 'enabled', label: 'Fail over to the next target' },
      {
        kind: 'number',
        key: 'maxAttempts',
        label: 'Attempts per request',
        min: 1,
        max: 100,
        integer: true,
        hint: 'All targets together',
      },
      {
        kind: 'list',
        key: 'retryableStatusCodes',
        label: 'Upstream statuses that fail over',
        ints: { min: 100, max: 599 },
        hint: '402 always does; 413 and 422 never do',
      },
      {
        kind: 'list',
        key: 'retryableErrors',
        label: 'Transport errors that fail over',
        maxLength: 200,
        hint: 'Error codes or case-insensitive regular expressions',
      },
    ],
  },
  {
    id: 'exploration-rate',
    title: 'Exploration rate',
    description:
      'The share of requests the performance-based selectors send to a target other than the best, to keep measurements fresh.',
    fields: [
      {
        kind: 'number',
        key: 'performanceExplorationRate',
        label: 'Performance selector',
        min: 0,
        max: 1,
        integer: false,
        hint: '0 to 1',
      },
      {
        kind: 'number',
        key: 'latencyExplorationRate',
        label: 'Latency selector',
        min: 0,
        max: 1,
        integer: false,
        hint: '0 to 1',
      },
      {
        kind: 'number',
        key: 'e2ePerformanceExplorationRate',
        label: 'End-to-end performance selector',
        min: 0,
        max: 1,
        integer: false,
        hint: '0 to 1',
      },
    ],
  },
  {
    id: 'background-exploration',
    title: 'Background exploration',
    description: 'Probes targets whose performance data went stale, so the selectors never route on old numbers.',
    fields: [
      { kind: 'toggle', key: 'enabled', label: 'Probe stale targets in the background' },
      {
        kind: 'number',
        key: 'stalenessThresholdSeconds',
        label: 'Stale after',
        unit: 'seconds',
        min: 1,
        integer: true,
      },
      { kind: 'number', key: 'workerConcurrency', label: 'Parallel probes', min: 1, max: 16, integer: true },
    ],
  },
  {
    id: 'debug',
    title: 'Debug capture',
    description:
      'Keeps full traces (client request, upstream bodies and headers, answers; credentials masked) of matching requests, shown in the log detail.',
    fields: [
      { kind: 'toggle', key: 'enabled', label: 'Capture every request' },
      { kind: 'list', key: 'keys', label: 'Capture requests of these keys', maxLength: 200 },
      { kind: 'list', key: 'aliases', label: 'Capture requests for these model aliases', maxLength: 200 },
      { kind: 'list', key: 'providers', label: 'Capture requests routed to these providers', maxLength: 200 },
    ],
  },
  {
    id: 'capture-trace-on-error',
    title: 'Traces of failures',
    description: 'Keeps the trace of every failed request, even when debug capture is off.',
    fields: [{ kind: 'toggle', key: 'enabled', label: 'Capture a trace when a request fails' }],
  },
  {
    id: 'vision-fallthrough',
    title: 'Vision fallthrough',
    description:
      "Aliases with vision fallthrough send each image to this model first when their target can't see images, and pass its description on as text.",
    fields: [
      {
        kind: 'text',
        key: 'descriptor_model',
        label: 'Descriptor model',
        nullable: true,
        maxLength: 300,
        hint: 'An alias or direct/<provider>/<model>; empty: off',
      },
      { kind: 'text', key: 'default_prompt', label: 'Prompt sent with each image', multiline: true, maxLength: 4000 },
    ],
    action: { label: 'Clear descriptor cache', done: 'Descriptor cache cleared' },
  },
  {
    id: 'compaction',
    title: 'Context compaction',
    description:
      'Requests over the trigger have long strings and arrays in older turns cut; the system prompt and recent turns stay whole. Aliases and providers can override these.',
    fields: [
      { kind: 'toggle', key: 'enabled', label: 'Compact long requests' },
      {
        kind: 'number',
        key: 'triggerRatio',
        label: 'Trigger at share of the context window',
        min: 0,
        max: 1,
        integer: false,
      },
      {
        kind: 'number',
        key: 'absoluteTriggerTokens',
        label: 'Or at input tokens',
        unit: 'tokens',
        min: 1,
        integer: true,
        nullable: true,
        hint: 'Empty: use the share',
      },
      { kind: 'number', key: 'minTokens', label: 'Never below', unit: 'tokens', min: 0, integer: true },
      { kind: 'number', key: 'protectRecent', label: 'Recent turns kept whole', min: 0, integer: true },
      {
        kind: 'number',
        key: 'maxStringChars',
        label: 'Longest string kept',
        unit: 'characters',
        min: 1,
        integer: true,
      },
      { kind: 'number', key: 'maxArrayItems', label: 'Longest array kept', unit: 'items', min: 1, integer: true },
    ],
  },
];

/** The server's settings as form values. */
export function settingsFormOf(
  spec: SettingsSectionSpec,
  settings: Readonly<Record<string, unknown>>,
): SettingsFormModel {
  const model: SettingsFormModel = {};
  for (const field of spec.fields) {
    const value = settings[field.key];
    if (field.kind === 'toggle') model[field.key] = value === true;
    else if (field.kind === 'list') model[field.key] = Array.isArray(value) ? value.map(String) : [];
    else if (field.kind === 'text') model[field.key] = typeof value === 'string' ? value : '';
    else model[field.key] = typeof value === 'number' ? String(value) : '';
  }
  return model;
}

export function numberProblem(text: string, field: NumberField): string | null {
  const value = text.trim();
  if (value === '') return field.nullable ? null : 'Enter a value';
  const pattern = field.integer ? /^-?\d+$/ : /^-?(\d+(\.\d*)?|\.\d+)$/;
  if (!pattern.test(value)) return field.integer ? 'Enter a whole number' : 'Enter a number';
  const n = Number(value);
  if (n < field.min) return field.max === undefined ? `At least ${field.min}` : `Between ${field.min} and ${field.max}`;
  if (field.max !== undefined && n > field.max) return `Between ${field.min} and ${field.max}`;
  return null;
}

export function listProblem(items: readonly string[], field: ListField): string | null {
  for (const item of items) {
    if (field.ints) {
      const n = Number(item);
      if (!/^\d+$/.test(item) || n < field.ints.min || n > field.ints.max)
        return `'${item}' is not a status code (${field.ints.min}–${field.ints.max})`;
    }
    if (field.maxLength !== undefined && item.length > field.maxLength)
      return `At most ${field.maxLength} characters per entry`;
  }
  return null;
}

/** The body to send: only the fields that changed, typed as the API wants them. */
export function settingsPayload(
  spec: SettingsSectionSpec,
  model: SettingsFormModel,
  saved?: SettingsFormModel,
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const field of spec.fields) {
    const value = model[field.key];
    if (saved !== undefined && JSON.stringify(saved[field.key]) === JSON.stringify(value)) continue;
    body[field.key] = payloadValue(field, value);
  }
  return body;
}

function payloadValue(field: SettingField, value: SettingValue | undefined): unknown {
  if (field.kind === 'toggle') return value === true;
  if (field.kind === 'list') {
    const items = Array.isArray(value) ? value : [];
    return field.ints ? items.map(Number) : items;
  }
  if (field.kind === 'text') {
    const entered = typeof value === 'string' ? value.trim() : '';
    return entered === '' && field.nullable ? null : entered;
  }
  const text = typeof value === 'string' ? value.trim() : '';
  return text === '' ? null : Number(text);
}

export function settingsSchema(spec: SettingsSectionSpec) {
  return (path: SchemaPathTree<SettingsFormModel>): void => {
    for (const field of spec.fields) {
      if (field.kind === 'number') {
        validate(path[field.key] as SchemaPathTree<string>, ({ value }) => {
          const problem = numberProblem(value(), field);
          return problem ? { kind: 'number', message: problem } : null;
        });
      } else if (field.kind === 'list') {
        validate(path[field.key] as SchemaPathTree<string[]>, ({ value }) => {
          const problem = listProblem(value(), field);
          return problem ? { kind: 'list', message: problem } : null;
        });
      } else if (field.kind === 'text') {
        validate(path[field.key] as SchemaPathTree<string>, ({ value }) => {
          const entered = value().trim();
          if (entered === '' && !field.nullable) return { kind: 'text', message: 'Enter a value' };
          if (entered.length > field.maxLength)
            return { kind: 'text', message: `At most ${field.maxLength} characters` };
          return null;
        });
      }
    }
    for (const rule of spec.rules ?? []) {
      validate(path[rule.field] as SchemaPathTree<SettingValue>, ({ valueOf }) => {
        const values: Record<string, unknown> = {};
        for (const field of spec.fields)
          values[field.key] = payloadValue(field, valueOf(path[field.key] as SchemaPathTree<SettingValue>));
        const message = rule.check(values);
        return message ? { kind: 'rule', message } : null;
      });
    }
  };
}
