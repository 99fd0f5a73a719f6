import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { SystemSettingsRepository } from '@plexus/persistence';
import { RedisConnection } from '../redis/redis-connection';
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
];

const CHANNEL = 'settings';

/**
 * The global routing settings, persisted in `system_settings` (one row per section, the
 * whole section as JSON) and applied to RoutingSettings at boot and on every change. With
 * REDIS_URL, a change tells the other replicas to reload.
 */
@Injectable()
export class SettingsService implements OnModuleInit {
  private readonly logger = new Logger(SettingsService.name);

  constructor(
    private readonly repository: SystemSettingsRepository,
    private readonly settings: RoutingSettings,
    private readonly redis: RedisConnection,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.reload();
    if (!this.redis.enabled) return;
    try {
      await this.redis.subscribe(CHANNEL, (origin) => {
        if (origin === this.redis.instanceId) return;
        void this.reload().catch((error: unknown) =>
          this.logger.warn(`could not reload settings: ${(error as Error).message}`),
        );
      });
    } catch (error) {
      this.logger.warn(`settings changes on other replicas won't be seen until restart: ${(error as Error).message}`);
    }
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
    if (this.redis.enabled) {
      await this.redis.publish(CHANNEL, this.redis.instanceId).catch((error: unknown) => {
        this.logger.warn(`could not tell other replicas about the settings change: ${(error as Error).message}`);
      });
    }
    return this.get(section);
  }
}

function mergeSection<T>(defaults: T, stored: unknown): T {
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) return structuredClone(defaults);
  const defined = Object.fromEntries(Object.entries(stored).filter(([, value]) => value !== undefined));
  return { ...structuredClone(defaults), ...defined };
}
