import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { form } from '@angular/forms/signals';
import { describe, expect, it } from 'vitest';
import {
  SELECTORS,
  aliasOf,
  aliasPayload,
  aliasSchema,
  aliasesOf,
  emptyAliasForm,
  move,
  nextGroupName,
  type AliasFormModel,
} from './alias-model';

function errors(model: AliasFormModel, owners: Record<string, string> = {}, creating = true): string[] {
  const f = TestBed.runInInjectionContext(() =>
    form(signal(model), aliasSchema({ creating: () => creating, takenBy: (name) => owners[name] ?? null })),
  );
  return f()
    .errorSummary()
    .map((e) => e.message ?? e.kind);
}

const valid = (): AliasFormModel => ({
  ...emptyAliasForm(),
  slug: 'smart',
  target_groups: [
    { name: 'default', selector: 'in_order', targets: [{ provider: 'openai', model: 'gpt-4o', enabled: true }] },
  ],
});

describe('alias views', () => {
  it('reads the API config, filling defaults and tolerating odd values', () => {
    expect(
      aliasOf('a/b', {
        type: 'embeddings',
        priority: 'api_match',
        additional_aliases: ['x'],
        use_image_fallthrough: true,
        compaction: { enabled: false, protectRecent: 2 },
        target_groups: [
          {
            name: 'g',
            selector: 'cost',
            targets: [
              { provider: 'p', model: 'm', enabled: false },
              { provider: 'q', model: 'n' },
            ],
          },
        ],
      }),
    ).toEqual({
      slug: 'a/b',
      type: 'embeddings',
      priority: 'api_match',
      additional_aliases: ['x'],
      use_image_fallthrough: true,
      enforce_limits: false,
      compaction: 'off',
      target_groups: [
        {
          name: 'g',
          selector: 'cost',
          targets: [
            { provider: 'p', model: 'm', enabled: false },
            { provider: 'q', model: 'n', enabled: true },
          ],
        },
      ],
    });
    expect(aliasOf('z', { type: 'video', target_groups: [{ selector: 'magic' }] })).toEqual({
      slug: 'z',
      type: 'text',
      priority: 'selector',
      additional_aliases: [],
      use_image_fallthrough: false,
      enforce_limits: false,
      compaction: 'inherit',
      target_groups: [{ name: '', selector: 'in_order', targets: [] }],
    });
    expect(aliasesOf({ b: {}, a: {} }).map((a) => a.slug)).toEqual(['a', 'b']);
  });

  it('knows every selector of the API enum', () => {
    expect(SELECTORS).toEqual([
      'in_order',
      'random',
      'cost',
      'latency',
      'usage',
      'quota',
      'performance',
      'e2e_performance',
    ]);
  });
});

describe('editing helpers', () => {
  it('moves items within bounds only', () => {
    expect(move(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c']);
    expect(move(['a', 'b', 'c'], 2, -2)).toEqual(['c', 'a', 'b']);
    expect(move(['a', 'b'], 0, -1)).toEqual(['a', 'b']);
    expect(move(['a', 'b'], 1, 1)).toEqual(['a', 'b']);
  });

  it('clears the compaction override when the alias inherits it', () => {
    expect(aliasPayload(valid()).compaction).toEqual({});
  });

  it('names new groups without clashes', () => {
    expect(nextGroupName([])).toBe('default');
    expect(nextGroupName([{ name: 'default', selector: 'random', targets: [] }])).toBe('group-2');
    expect(
      nextGroupName([
        { name: 'default', selector: 'random', targets: [] },
        { name: 'group-2', selector: 'random', targets: [] },
      ]),
    ).toBe('group-3');
  });

  it('builds the body: trimmed names, ordered targets with their enabled flag', () => {
    const model = valid();
    model.additional_aliases = [' fast ', ''];
    model.enforce_limits = true;
    model.compaction = 'on';
    model.target_groups[0]!.targets.push({ provider: 'anthropic', model: ' claude ', enabled: false });
    expect(aliasPayload(model)).toEqual({
      type: 'text',
      priority: 'selector',
      additional_aliases: ['fast'],
      use_image_fallthrough: false,
      enforce_limits: true,
      compaction: { enabled: true },
      target_groups: [
        {
          name: 'default',
          selector: 'in_order',
          targets: [
            { provider: 'openai', model: 'gpt-4o', enabled: true },
            { provider: 'anthropic', model: 'claude', enabled: false },
          ],
        },
      ],
    });
  });
});

describe('aliasSchema', () => {
  it('accepts a complete alias and slugs with / and :', () => {
    expect(errors(valid())).toEqual([]);
    expect(errors({ ...valid(), slug: 'openai/gpt-4o:latest' })).toEqual([]);
  });

  it('requires a name, a provider and a model for each target', () => {
    expect(errors(emptyAliasForm())).toEqual([
      'Enter the alias name clients ask for',
      'Pick a provider',
      'Enter the model',
    ]);
  });

  it('rejects spaces, names other aliases use and the alias itself as an additional name', () => {
    expect(errors({ ...valid(), slug: 'my alias' })).toEqual(["No spaces or '*'"]);
    expect(errors(valid(), { smart: 'clever' })).toEqual(["'smart' is already used by alias 'clever'"]);
    expect(errors(valid(), { smart: 'clever' }, false)).toEqual([]);
    expect(errors({ ...valid(), additional_aliases: ['smart'] })).toEqual(["'smart' is the alias itself"]);
    expect(errors({ ...valid(), additional_aliases: ['quick'] }, { quick: 'fast' })).toEqual([
      "'quick' is already used by alias 'fast'",
    ]);
  });

  it('rejects empty and duplicate groups and duplicate targets', () => {
    expect(errors({ ...valid(), target_groups: [] })).toEqual(['Add at least one target group']);
    const group = valid().target_groups[0]!;
    expect(errors({ ...valid(), target_groups: [group, { ...group, targets: [] }] })).toEqual([
      "Two groups are named 'default'",
      "Two groups are named 'default'",
      'Add at least one target',
    ]);
    expect(errors({ ...valid(), target_groups: [group, { ...group, name: 'backup' }] })).toEqual([
      'openai/gpt-4o is listed twice',
      'openai/gpt-4o is listed twice',
    ]);
  });
});
