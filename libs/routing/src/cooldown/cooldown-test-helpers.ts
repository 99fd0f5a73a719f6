import type {
  AliasRecord,
  AliasRepository,
  CooldownRecord,
  CooldownRepository,
  ProviderRecord,
  ProviderRepository,
} from '@plexus/persistence';
import { RedisConnection } from '../redis/redis-connection';
import { RoutingConfigService } from '../routing-config.service';
import { RoutingSettings } from '../routing-settings';
import { CooldownService } from './cooldown.service';

/** An in-memory provider_cooldowns table with the repository's interface, for tests. */
export class MemoryCooldownRepository {
  readonly rows = new Map<string, CooldownRecord>();
  failWrites = false;
  writes = 0;

  asRepository(): CooldownRepository {
    return this as unknown as CooldownRepository;
  }

  findAll(): Promise<CooldownRecord[]> {
    return Promise.resolve([...this.rows.values()].map((row) => ({ ...row })));
  }

  upsert(record: CooldownRecord): Promise<void> {
    if (this.failWrites) return Promise.reject(new Error('database down'));
    this.writes++;
    this.rows.set(`${record.provider}/${record.model}`, { ...record });
    return Promise.resolve();
  }

  delete(provider: string, model: string): Promise<boolean> {
    if (this.failWrites) return Promise.reject(new Error('database down'));
    this.writes++;
    return Promise.resolve(this.rows.delete(`${provider}/${model}`));
  }

  deleteProvider(provider: string): Promise<number> {
    let count = 0;
    for (const [key, row] of this.rows) if (row.provider === provider && this.rows.delete(key)) count++;
    return Promise.resolve(count);
  }

  deleteAll(): Promise<number> {
    const count = this.rows.size;
    this.rows.clear();
    return Promise.resolve(count);
  }

  deleteExpiredBefore(cutoff: Date): Promise<number> {
    let count = 0;
    for (const [key, row] of this.rows) if (row.expiresAt < cutoff && this.rows.delete(key)) count++;
    return Promise.resolve(count);
  }
}

export function provider(slug: string, settings: Record<string, unknown> = {}): ProviderRecord {
  return {
    slug,
    displayName: null,
    apiBaseUrl: `https://${slug}.example.com/v1`,
    apiKey: null,
    enabled: true,
    settings,
    models: [],
  };
}

export async function routingConfig(
  providers: ProviderRecord[],
  aliases: AliasRecord[] = [],
): Promise<RoutingConfigService> {
  const config = new RoutingConfigService(
    { findAll: () => Promise.resolve(providers) } as unknown as ProviderRepository,
    { findAll: () => Promise.resolve(aliases) } as unknown as AliasRepository,
  );
  await config.reload();
  return config;
}

export interface CooldownFixture {
  service: CooldownService;
  repository: MemoryCooldownRepository;
  settings: RoutingSettings;
  config: RoutingConfigService;
}

export async function cooldownFixture(
  options: {
    providers?: ProviderRecord[];
    repository?: MemoryCooldownRepository;
    redis?: RedisConnection;
    settings?: RoutingSettings;
  } = {},
): Promise<CooldownFixture> {
  const repository = options.repository ?? new MemoryCooldownRepository();
  const settings = options.settings ?? new RoutingSettings();
  const config = await routingConfig(options.providers ?? [provider('p'), provider('q')]);
  const service = new CooldownService(
    repository.asRepository(),
    settings,
    config,
    options.redis ?? new RedisConnection(undefined),
  );
  return { service, repository, settings, config };
}
