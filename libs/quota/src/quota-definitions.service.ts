import { Injectable, Logger, Optional, type OnModuleInit } from '@nestjs/common';
import { ConfigChangeBus, UserQuotaRepository, type ApiKeyPolicy, type UserQuotaRecord } from '@plexus/persistence';
import { parseDuration } from './window/duration';
import type { QuotaDefinition } from './window/quota-window';

export function definitionOf(record: UserQuotaRecord): QuotaDefinition {
  return {
    name: record.name,
    type: record.type,
    limitType: record.limitType,
    limit: record.limit,
    duration: record.type === 'rolling' ? record.duration : null,
    durationMs: record.type === 'rolling' && record.duration !== null ? parseDuration(record.duration) : null,
    shared: record.shared,
    warnAt: record.warnAt,
  };
}

/** The quota names a key policy assigns: `quotas`, plus the legacy single `quota`, without repeats. */
export function assignedQuotaNames(policy: ApiKeyPolicy): string[] {
  const names = [...(policy.quotas ?? []), ...(policy.quota ? [policy.quota] : [])];
  return [...new Set(names)];
}

/** A key naming a definition this replica doesn't know rereads them at most this often. */
const MISS_RELOAD_MS = 5_000;

/**
 * Every user quota definition, held in memory so admission never reads the database.
 * Reloaded whenever the configuration bus says user quotas changed (on this replica or
 * another), and at once (at most every 5 s) when a key names one it doesn't know.
 */
@Injectable()
export class QuotaDefinitions implements OnModuleInit {
  private readonly logger = new Logger(QuotaDefinitions.name);
  private byName = new Map<string, QuotaDefinition>();
  private lastMissReload = 0;

  constructor(
    private readonly repository: UserQuotaRepository,
    @Optional() private readonly bus?: ConfigChangeBus,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.reload();
    this.bus?.subscribe(QuotaDefinitions.name, ['user-quotas'], () => this.reload());
  }

  async reload(): Promise<void> {
    const records = await this.repository.findAll();
    this.byName = new Map(records.map((record) => [record.name, definitionOf(record)]));
    this.logger.debug(`loaded ${records.length} user quota definitions`);
  }

  /** The names without a definition, after rereading the database when some are unknown here. */
  async unknown(names: string[]): Promise<string[]> {
    if (names.some((name) => !this.byName.has(name))) await this.reload();
    return names.filter((name) => !this.byName.has(name));
  }

  get(name: string): QuotaDefinition | undefined {
    return this.byName.get(name);
  }

  all(): QuotaDefinition[] {
    return [...this.byName.values()];
  }

  /** The definitions a key policy assigns (names without a definition are skipped, and looked up again soon). */
  of(policy: ApiKeyPolicy): QuotaDefinition[] {
    return assignedQuotaNames(policy).flatMap((name) => {
      const definition = this.byName.get(name);
      if (!definition) this.missed();
      return definition ? [definition] : [];
    });
  }

  private missed(now = Date.now()): void {
    if (now - this.lastMissReload < MISS_RELOAD_MS) return;
    this.lastMissReload = now;
    void this.reloadQuietly();
  }

  private async reloadQuietly(): Promise<void> {
    try {
      await this.reload();
    } catch (error) {
      this.logger.warn(`could not reload user quota definitions: ${(error as Error).message}`);
    }
  }
}
