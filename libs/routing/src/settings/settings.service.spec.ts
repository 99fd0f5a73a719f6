import type { SystemSettingRecord, SystemSettingsRepository } from '@plexus/persistence';
import { DEFAULT_ROUTING_SETTINGS, RoutingSettings } from '../routing-settings';
import { SettingsService } from './settings.service';

class MemorySettings {
  readonly rows = new Map<string, unknown>();

  findAll(): Promise<SystemSettingRecord[]> {
    return Promise.resolve(
      [...this.rows].map(([key, value]) => ({ key, value: structuredClone(value), updatedAt: new Date() })),
    );
  }

  set(key: string, value: unknown): Promise<void> {
    this.rows.set(key, structuredClone(value));
    return Promise.resolve();
  }
}

describe('SettingsService', () => {
  let rows: MemorySettings;
  let settings: RoutingSettings;
  let service: SettingsService;

  beforeEach(() => {
    rows = new MemorySettings();
    settings = new RoutingSettings();
    service = new SettingsService(rows as unknown as SystemSettingsRepository, settings);
  });

  it('keeps the defaults when nothing is stored', async () => {
    await service.onModuleInit();
    expect(settings.current).toEqual(DEFAULT_ROUTING_SETTINGS);
  });

  it('applies the stored sections over the defaults at boot, field by field', async () => {
    rows.rows.set('cooldown', { initialMinutes: 0.5 });
    rows.rows.set('failover', { enabled: false, retryableStatusCodes: [429] });
    rows.rows.set('stall', { ttfbSeconds: 15 });
    rows.rows.set('unrelated', { anything: true });
    await service.onModuleInit();
    expect(settings.current.cooldown).toEqual({ initialMinutes: 0.5, maxMinutes: 300 });
    expect(settings.current.failover).toEqual({
      ...DEFAULT_ROUTING_SETTINGS.failover,
      enabled: false,
      retryableStatusCodes: [429],
    });
    expect(settings.current.stall).toEqual({ ...DEFAULT_ROUTING_SETTINGS.stall, ttfbSeconds: 15 });
    expect(settings.current.timeout).toEqual(DEFAULT_ROUTING_SETTINGS.timeout);
  });

  it('ignores a stored section that is not an object', async () => {
    rows.rows.set('timeout', 42);
    rows.rows.set('cooldown', ['x']);
    await service.reload();
    expect(settings.current.timeout).toEqual(DEFAULT_ROUTING_SETTINGS.timeout);
    expect(settings.current.cooldown).toEqual(DEFAULT_ROUTING_SETTINGS.cooldown);
  });

  it('patches a section: merges the given fields, stores the whole section and puts it in force', async () => {
    await service.onModuleInit();
    const result = await service.patch('cooldown', { maxMinutes: 10 });
    expect(result).toEqual({ initialMinutes: 2, maxMinutes: 10 });
    expect(settings.current.cooldown).toEqual({ initialMinutes: 2, maxMinutes: 10 });
    expect(rows.rows.get('cooldown')).toEqual({ initialMinutes: 2, maxMinutes: 10 });

    await service.patch('cooldown', { initialMinutes: 1, maxMinutes: undefined });
    expect(service.get('cooldown')).toEqual({ initialMinutes: 1, maxMinutes: 10 });

    // A fresh process sees the same.
    const restarted = new RoutingSettings();
    await new SettingsService(rows as unknown as SystemSettingsRepository, restarted).onModuleInit();
    expect(restarted.current.cooldown).toEqual({ initialMinutes: 1, maxMinutes: 10 });
  });

  it('hands out copies, so callers cannot change the settings in force', async () => {
    await service.onModuleInit();
    service.get('failover').retryableStatusCodes.push(999);
    expect(settings.current.failover.retryableStatusCodes).not.toContain(999);
  });
});
