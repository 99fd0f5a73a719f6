import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { OAUTH_USAGE_TOKENS, type OAuthUsageTokens } from '@plexus/core';
import { SchedulerRegistry } from '@nestjs/schedule';
import { MeterSnapshotRepository, ProviderRepository } from '@plexus/persistence';
import { resultOf, snapshotRows, type CheckResult } from './check-result';
import { checkerConfigOf, type CheckerConfig } from './checker-config';
import { MeterState, type CheckerState } from './meter-state.service';
import type { Meter } from './meter';
import type { QuotaChecker } from './quota-checker';

export const QUOTA_CHECKERS = Symbol('QUOTA_CHECKERS');

/** Provider config changes are picked up this often (and at once through `sync()`). */
const SYNC_INTERVAL_MS = 15_000;
const CHECK_TIMEOUT_MS = 30_000;
/** History is kept this long (the reference's retention). */
const RETENTION_MS = 30 * 24 * 3_600_000;
const PRUNE_EVERY_MS = 3_600_000;
const SYNC_JOB = 'quota-meters:sync';
/** A window that resets before the next scheduled check is re-read this long after its reset. */
const AFTER_RESET_MS = 5_000;

/**
 * `scheduled`: a reading another replica stored within the last half interval is taken
 * instead of calling the upstream again; `now`: always calls it.
 */
type RunMode = 'scheduled' | 'now';
/** `adopted`: the reading came from another replica (or an earlier run) instead of the upstream. */
interface RunOutcome {
  result: CheckResult;
  adopted: boolean;
}

/** Meter keys must be unique within one check (they identify a reading). */
function uniqueKeys(meters: Meter[]): Meter[] {
  const seen = new Map<string, number>();
  return meters.map((meter) => {
    const count = (seen.get(meter.key) ?? 0) + 1;
    seen.set(meter.key, count);
    return count === 1 ? meter : { ...meter, key: `${meter.key}_${count}` };
  });
}

/** Error messages are stored and shown: keep the checker's credentials out of them. */
function redact(message: string, config: CheckerConfig): string {
  const secrets = [
    config.apiKey,
    ...Object.values(config.options).filter((value): value is string => typeof value === 'string' && value.length >= 8),
  ];
  let safe = message;
  for (const secret of secrets) if (secret) safe = safe.split(secret).join('***');
  return safe.slice(0, 1000);
}

/**
 * Runs every provider's quota checker on its interval (plus once at registration and on
 * demand), stores each reading in `meter_snapshots` and hands it to MeterState. A failing
 * checker is recorded as a failed check; it never takes anything else down.
 */
@Injectable()
export class MeterScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(MeterScheduler.name);
  private readonly checkers: ReadonlyMap<string, QuotaChecker>;
  /** Checker id to the config it is scheduled with (serialised, to notice changes). */
  private readonly scheduled = new Map<string, string>();
  private readonly running = new Map<string, Promise<RunOutcome>>();
  /** Ends checks still waiting on an upstream when the module stops, so none writes after shutdown. */
  private readonly shutdown = new AbortController();
  private syncing: Promise<void> | null = null;
  private lastPrune = 0;
  private stopped = false;

  constructor(
    @Inject(QUOTA_CHECKERS) checkers: readonly QuotaChecker[],
    private readonly state: MeterState,
    private readonly providers: ProviderRepository,
    private readonly snapshots: MeterSnapshotRepository,
    private readonly registry: SchedulerRegistry,
    @Optional() @Inject(OAUTH_USAGE_TOKENS) private readonly oauth: OAuthUsageTokens | null = null,
  ) {
    this.checkers = new Map(checkers.map((checker) => [checker.type, checker]));
  }

  /** Built-in checker types, with display names. */
  types(): Array<{ type: string; displayName: string }> {
    return [...this.checkers.values()].map((checker) => ({ type: checker.type, displayName: checker.displayName }));
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.sync();
    this.registry.addInterval(
      SYNC_JOB,
      setInterval(() => void this.sync(), SYNC_INTERVAL_MS),
    );
  }

  /** Stops the schedule and waits for checks under way, which are cut short and store nothing. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.shutdown.abort();
    for (const name of this.registry.getIntervals()) {
      if (name === SYNC_JOB || name.startsWith('quota-meter:')) this.registry.deleteInterval(name);
    }
    for (const name of this.registry.getTimeouts()) {
      if (name.startsWith('quota-meter-reset:')) this.registry.deleteTimeout(name);
    }
    await Promise.allSettled(this.running.values());
  }

  /** Reads the providers' checker configs and (re)schedules what changed. */
  sync(): Promise<void> {
    this.syncing ??= this.doSync().finally(() => (this.syncing = null));
    return this.syncing;
  }

  /** Runs one checker now (joining a run already under way); undefined for an unknown id. */
  async checkNow(checkerId: string): Promise<CheckResult | undefined> {
    await this.sync();
    if (!this.state.get(checkerId)) return undefined;
    return this.run(checkerId, 'now');
  }

  private async doSync(): Promise<void> {
    if (this.stopped) return;
    try {
      const configs = new Map<string, CheckerConfig>();
      for (const provider of await this.providers.findAll()) {
        if (!provider.enabled) continue;
        const config = checkerConfigOf(provider);
        if (!config) continue;
        if (!this.checkers.has(config.type)) {
          this.logger.warn(`provider '${provider.slug}': unknown quota checker type '${config.type}'`);
          continue;
        }
        if (configs.has(config.checkerId)) {
          this.logger.warn(
            `provider '${provider.slug}': quota checker id '${config.checkerId}' is already used; ignored`,
          );
          continue;
        }
        configs.set(config.checkerId, config);
      }
      for (const checkerId of [...this.scheduled.keys()]) {
        if (!configs.has(checkerId)) this.unschedule(checkerId);
      }
      const added = [...configs.values()].filter(
        (config) => this.scheduled.get(config.checkerId) !== JSON.stringify(config),
      );
      const stored = added.length > 0 ? await this.snapshots.latest(added.map((config) => config.checkerId)) : [];
      for (const config of added)
        this.schedule(config, resultOf(stored.filter((row) => row.checkerId === config.checkerId)));
      await this.prune();
    } catch (error) {
      this.logger.error(`quota checker sync failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private schedule(config: CheckerConfig, stored: CheckResult | null): void {
    this.unschedule(config.checkerId);
    const previous = this.state.get(config.checkerId)?.result ?? null;
    this.state.register(config, Date.now(), previous ?? stored);
    this.scheduled.set(config.checkerId, JSON.stringify(config));
    this.registry.addInterval(
      `quota-meter:${config.checkerId}`,
      setInterval(() => void this.run(config.checkerId, 'scheduled'), config.intervalMs),
    );
    void this.run(config.checkerId, 'scheduled');
  }

  private unschedule(checkerId: string): void {
    const job = `quota-meter:${checkerId}`;
    if (this.registry.doesExist('interval', job)) this.registry.deleteInterval(job);
    const afterReset = `quota-meter-reset:${checkerId}`;
    if (this.registry.doesExist('timeout', afterReset)) this.registry.deleteTimeout(afterReset);
    this.scheduled.delete(checkerId);
    this.state.unregister(checkerId);
  }

  private run(checkerId: string, mode: RunMode): Promise<CheckResult> {
    const existing = this.running.get(checkerId);
    // Joining a run under way; but a manual check wants the upstream's own reading, not an adopted one.
    if (existing)
      return existing.then((outcome) =>
        mode === 'now' && outcome.adopted ? this.run(checkerId, 'now') : outcome.result,
      );
    const state = this.state.get(checkerId);
    if (!state) return Promise.reject(new Error(`unknown checker '${checkerId}'`));
    const done = this.execute(state, mode).finally(() => this.running.delete(checkerId));
    this.running.set(checkerId, done);
    return done.then((outcome) => outcome.result);
  }

  /**
   * The checker's credential: `options.apiKey` or the provider's key, else, for a provider
   * on an OAuth account, that account's stored token (refreshed when due).
   */
  private async credentialOf(config: CheckerConfig): Promise<string | null> {
    if (config.apiKey || !this.oauth || !config.oauthProvider || !config.oauthAccount) return config.apiKey;
    return this.oauth.usageTokenFor({ oauthProvider: config.oauthProvider, oauthAccount: config.oauthAccount });
  }

  private async execute({ config }: CheckerState, mode: RunMode): Promise<RunOutcome> {
    const shared = mode === 'scheduled' ? await this.recentReading(config) : null;
    if (shared) {
      if (this.state.get(config.checkerId)?.config === config) {
        const nextCheckAt = Date.now() + config.intervalMs;
        this.state.record(shared, nextCheckAt);
        this.recheckAfterReset(config, shared, nextCheckAt);
      }
      return { result: shared, adopted: true };
    }
    const checker = this.checkers.get(config.type);
    const checkedAt = new Date();
    const base = { checkerId: config.checkerId, checkerType: config.type, provider: config.provider, checkedAt };
    let result: CheckResult;
    let apiKey = config.apiKey;
    try {
      if (!checker) throw new Error(`unknown checker type '${config.type}'`);
      apiKey = await this.credentialOf(config);
      const meters = await checker.check({
        options: config.options,
        apiKey,
        signal: AbortSignal.any([AbortSignal.timeout(CHECK_TIMEOUT_MS), this.shutdown.signal]),
      });
      result = { ...base, success: true, meters: uniqueKeys(meters) };
    } catch (error) {
      const message =
        error instanceof Error
          ? error.name === 'TimeoutError'
            ? `timed out after ${CHECK_TIMEOUT_MS} ms`
            : error.message
          : String(error);
      result = { ...base, success: false, error: redact(message, { ...config, apiKey }), meters: [] };
      this.logger.warn(`quota checker '${config.checkerId}' (${config.type}) failed: ${result.error}`);
    }
    // The config may have changed or gone while the upstream answered, or the module stopped.
    if (this.stopped || this.state.get(config.checkerId)?.config !== config) return { result, adopted: false };
    const nextCheckAt = Date.now() + config.intervalMs;
    this.state.record(result, nextCheckAt);
    this.recheckAfterReset(config, result, nextCheckAt);
    try {
      await this.snapshots.insert(snapshotRows(result));
    } catch (error) {
      this.logger.error(
        `storing quota meters of '${config.checkerId}' failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    return { result, adopted: false };
  }

  /** A reading of this checker that another replica (or a previous run) stored less than half an interval ago. */
  private async recentReading(config: CheckerConfig): Promise<CheckResult | null> {
    try {
      const stored = resultOf(await this.snapshots.latest([config.checkerId]));
      if (!stored || stored.checkerType !== config.type) return null;
      return Date.now() - stored.checkedAt.getTime() < config.intervalMs / 2 ? stored : null;
    } catch {
      return null;
    }
  }

  /**
   * When an exhausted window resets before the next scheduled check, reads it again just
   * after the reset, so the meters show the fresh window rather than the spent one.
   */
  private recheckAfterReset(config: CheckerConfig, result: CheckResult, nextCheckAt: number): void {
    const now = Date.now();
    const resets = result.meters
      .filter((meter) => meter.status === 'exhausted' && meter.resetsAt)
      .map((meter) => Date.parse(meter.resetsAt ?? ''))
      .filter((at) => at > now && at + AFTER_RESET_MS < nextCheckAt);
    const job = `quota-meter-reset:${config.checkerId}`;
    if (this.registry.doesExist('timeout', job)) this.registry.deleteTimeout(job);
    if (resets.length === 0 || this.stopped) return;
    const delay = Math.min(...resets) - now + AFTER_RESET_MS;
    this.registry.addTimeout(
      job,
      setTimeout(() => {
        this.registry.deleteTimeout(job);
        void this.run(config.checkerId, 'now');
      }, delay),
    );
  }

  private async prune(): Promise<void> {
    if (Date.now() - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = Date.now();
    await this.snapshots.deleteOlderThan(new Date(Date.now() - RETENTION_MS));
  }
}
