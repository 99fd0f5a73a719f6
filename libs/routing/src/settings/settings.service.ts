import { Injectable, Optional, type OnModuleInit } from '@nestjs/common';
import { ConfigChangeBus, SystemSettingsRepository } from '@plexus/persistence';
import { DEFAULT_ROUTING_SETTINGS, RoutingSettings, type RoutingSettingsValues } from '../routing-settings';

export type SettingsSection = keyof RoutingSettingsValues;

/** Every section, stored under its own `system_settings` key. */
export const SETTINGS_SECTIONS: readonly SettingsSection[] = [
  'exploration',
  'cooldown',
  'failover',
  'timeout',
  'stall',
  'backgroundExploration',
  'visionFallthrough',
  'compaction',
];

/**
 * The global routing settings, persisted in `system_settings` (one row per section, the
 * whole section as JSON) and applied to RoutingSettings at boot and whenever the
 * configuration bus says settings changed, on this replica or another.
 */
@Injectable()
export class SettingsService implements OnModuleInit {
  constructor(
    private readonly repository: SystemSettingsRepository,
    private readonly settings: RoutingSettings,
    @Optional() private readonly bus?: ConfigChangeBus,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.reload();
    this.bus?.subscribe(SettingsService.name, ['settings'], () => this.reload());
  }

  /** Applies the stored sections over the defaults. */
  async reload(): Promise<void> {
    const stored = new Map((await this.repository.findAll()).map((row) => [row.key, row.value]));
    const values: Partial<Record<SettingsSection, unknown>> = {};
    for (const section of SETTINGS_SECTIONS)
      values[section] = mergeSection(DEFAULT_ROUTING_SETTINGS[section], stored.get(section));
    this.settings.update(values as Partial<RoutingSettingsValues>);
  }

  get<S extends SettingsSection>(section: S): RoutingSettingsValues[S] {
    return structuredClone(this.settings.current[section]);
  }

  /** Merges the given fields into a section, stores it, and puts it in force. Returns the section. */
  async patch<S extends SettingsSection>(
    section: S,
    changes: Partial<RoutingSettingsValues[S]>,
  ): Promise<RoutingSettingsValues[S]> {
    const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
    const next = { ...this.settings.current[section], ...defined } as RoutingSettingsValues[S];
    await this.repository.set(section, next);
    this.settings.update({ [section]: next });
    await this.bus?.publish('settings');
    return this.get(section);
  }
}

function mergeSection<T>(defaults: T, stored: unknown): T {
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) return structuredClone(defaults);
  const defined = Object.fromEntries(Object.entries(stored).filter(([, value]) => value !== undefined));
  return { ...structuredClone(defaults), ...defined };
}
