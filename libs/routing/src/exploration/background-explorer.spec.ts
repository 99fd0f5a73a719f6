import type { AliasRecord, ProviderRecord } from '@plexus/persistence';
import { DEFAULT_ROUTING_SETTINGS, type RoutingSettingsValues } from '../routing-settings';
import { BackgroundExplorer, type ExplorationTarget } from './background-explorer';

const T0 = 1_000_000;
const THRESHOLD_S = 600;

interface Fixture {
  explorer: BackgroundExplorer;
  clock: { now: number };
  probes: ExplorationTarget[];
  finish: Array<() => void>;
  lastUpdated: Map<string, number>;
  cooling: Set<string>;
  settings: { current: RoutingSettingsValues };
}

function setup(options: { aliases?: AliasRecord[]; disabledProvider?: string } = {}): Fixture {
  const clock = { now: T0 };
  const probes: ExplorationTarget[] = [];
  const finish: Array<() => void> = [];
  const lastUpdated = new Map<string, number>();
  const cooling = new Set<string>();
  const settings = {
    current: {
      ...DEFAULT_ROUTING_SETTINGS,
      backgroundExploration: { enabled: true, stalenessThresholdSeconds: THRESHOLD_S, workerConcurrency: 2 },
    },
  };
  const aliases = options.aliases ?? [
    alias('fast', 'latency', ['a', 'b', 'c']),
    alias('cheap', 'cost', ['d']),
    alias('also-fast', 'performance', ['a']),
  ];
  const explorer = new BackgroundExplorer({
    config: {
      allAliases: () => aliases,
      provider: (slug: string) => ({ slug, enabled: slug !== options.disabledProvider }) as ProviderRecord,
    },
    stats: {
      stats: (provider: string, model: string) =>
        ({ lastUpdated: lastUpdated.get(`${provider}/${model}`) ?? null }) as never,
    },
    cooldowns: { isCoolingDown: (provider: string, model: string) => cooling.has(`${provider}/${model}`) },
    settings,
    probe: (target) => {
      probes.push(target);
      return new Promise<void>((resolve) => finish.push(resolve));
    },
    now: () => clock.now,
  });
  return { explorer, clock, probes, finish, lastUpdated, cooling, settings };
}

function alias(slug: string, selector: string, providers: string[], aliasType = 'text'): AliasRecord {
  return {
    slug,
    aliasType,
    targetGroups: [{ name: 'g', selector, targets: providers.map((provider) => ({ provider, model: 'm' })) }],
  } as unknown as AliasRecord;
}

const names = (targets: ExplorationTarget[]): string[] => targets.map((target) => target.provider);
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('BackgroundExplorer', () => {
  it('probes nothing until a threshold has passed since the process started', () => {
    const { explorer, clock } = setup();
    clock.now = T0 + THRESHOLD_S * 1000 - 1;
    expect(explorer.tick()).toEqual([]);
  });

  it('probes the stalest targets of stats-driven groups only, at most workerConcurrency at once', () => {
    const { explorer, clock, lastUpdated, probes } = setup();
    clock.now = T0 + THRESHOLD_S * 1000 + 5000;
    lastUpdated.set('b/m', T0 + 1000);
    lastUpdated.set('c/m', T0 + 2000);
    // a has no samples (fresh since start), b and c have old ones: a first, then b; d is a cost group.
    expect(names(explorer.tick())).toEqual(['a', 'b']);
    expect(names(probes)).toEqual(['a', 'b']);
    expect(explorer.probesInFlight).toBe(2);
    expect(explorer.tick()).toEqual([]);
  });

  it('leaves media aliases alone: the probe is a chat request', () => {
    const { explorer, clock } = setup({
      aliases: [alias('embed', 'latency', ['e'], 'embeddings'), alias('fast', 'latency', ['a'])],
    });
    clock.now = T0 + THRESHOLD_S * 1000 + 5000;
    expect(names(explorer.tick())).toEqual(['a']);
  });

  it('leaves targets with fresh stats, cooling targets and disabled providers alone', () => {
    const { explorer, clock, lastUpdated, cooling } = setup({ disabledProvider: 'c' });
    clock.now = T0 + THRESHOLD_S * 1000;
    lastUpdated.set('a/m', clock.now - 1000);
    cooling.add('b/m');
    expect(explorer.tick()).toEqual([]);
  });

  it('frees the worker when a probe ends and waits a threshold before probing the target again', async () => {
    const { explorer, clock, finish } = setup({ aliases: [alias('fast', 'latency', ['a', 'b', 'c'])] });
    clock.now = T0 + THRESHOLD_S * 1000;
    expect(names(explorer.tick())).toEqual(['a', 'b']);
    finish[0]();
    await flush();
    expect(names(explorer.tick())).toEqual(['c']);
    clock.now += THRESHOLD_S * 1000 - 1;
    finish[1]();
    await flush();
    expect(explorer.tick()).toEqual([]);
    clock.now += THRESHOLD_S * 1000;
    expect(names(explorer.tick())).toEqual(['a']);
  });

  it('does nothing while disabled', () => {
    const { explorer, clock, settings } = setup();
    settings.current = {
      ...settings.current,
      backgroundExploration: { ...settings.current.backgroundExploration, enabled: false },
    };
    clock.now = T0 + 10 * THRESHOLD_S * 1000;
    expect(explorer.tick()).toEqual([]);
  });

  it('survives a failing probe', async () => {
    const { explorer, clock } = setup({ aliases: [alias('fast', 'latency', ['a'])] });
    const failing = new BackgroundExplorer({
      config: {
        allAliases: () => [alias('fast', 'latency', ['a'])],
        provider: (slug: string) => ({ slug, enabled: true }) as ProviderRecord,
      },
      stats: { stats: () => ({ lastUpdated: null }) as never },
      cooldowns: { isCoolingDown: () => false },
      settings: {
        current: {
          ...DEFAULT_ROUTING_SETTINGS,
          backgroundExploration: { enabled: true, stalenessThresholdSeconds: 1, workerConcurrency: 1 },
        },
      },
      probe: () => Promise.reject(new Error('down')),
      now: () => clock.now,
    });
    clock.now += 1000;
    expect(names(failing.tick())).toEqual(['a']);
    await flush();
    expect(failing.probesInFlight).toBe(0);
    expect(explorer.probesInFlight).toBe(0);
  });
});
