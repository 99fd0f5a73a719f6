import { Injectable, Logger, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { CooldownRepository, type CooldownRecord } from '@plexus/persistence';
import { RedisConnection } from '../redis/redis-connection';
import { RoutingConfigService } from '../routing-config.service';
import { RoutingSettings } from '../routing-settings';
import { FAILURE_MEMORY_MS, cooldownMs, triggersCooldown } from './cooldown-policy';

/** One provider+model's failure state. `model = ''` is a provider-wide cooldown. */
export interface CooldownEntry {
  provider: string;
  model: string;
  /** Epoch ms the cooldown ends; the entry stays after it to remember the failure count. */
  expiresAt: number;
  consecutiveFailures: number;
  lastError: string | null;
  /** Epoch ms of the last change: the newest write wins between replicas. */
  updatedAt: number;
}

/** A cooldown as the management API lists it (the reference's Cooldown schema, plus lastError). */
export interface CooldownView {
  provider: string;
  model: string;
  /** Epoch ms. */
  expiry: number;
  timeRemainingMs: number;
  consecutiveFailures: number;
  lastError: string | null;
}

/** A failed attempt, as the pipeline reports it. */
export interface FailureReport {
  provider: string;
  model: string;
  /** The upstream HTTP status; null or absent for a transport failure or a timeout. */
  status?: number | null;
  /** The upstream's Retry-After, in seconds. */
  retryAfterSeconds?: number;
  /** The error message (kept as last_error, and searched for quota phrases). */
  reason?: string;
  /** The failure came after bytes reached the client: cools down only where stalls do (see `stall`). */
  afterFirstByte?: boolean;
  /** A stall: cools down only with the provider's `stall_cooldown` or the global `stall.stallCooldown`. */
  stall?: boolean;
}

type CooldownMessage =
  | { origin: string; op: 'set'; entry: CooldownEntry }
  | { origin: string; op: 'delete'; provider: string; model: string; at: number }
  | { origin: string; op: 'clear'; provider?: string; model?: string; at: number };

const CHANNEL = 'cooldowns';
const KEY_SPACE = 'cooldown:';
const MAX_ERROR_LENGTH = 1000;
const RETRY_WRITE_MS = 5000;
const PRUNE_INTERVAL_MS = 10 * 60_000;
const REDIS_BOOT_TIMEOUT_MS = 5000;

/** Writes the entry unless Redis holds a newer one, then tells every replica. */
const SET_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if current then
  local ok, decoded = pcall(cjson.decode, current)
  if ok and type(decoded) == 'table' and tonumber(decoded.updatedAt) and tonumber(decoded.updatedAt) > tonumber(ARGV[2]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
redis.call('PUBLISH', KEYS[2], ARGV[4])
return 1`;

/** Deletes the entry unless Redis holds one newer than the deletion, then tells every replica. */
const DELETE_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if current then
  local ok, decoded = pcall(cjson.decode, current)
  if ok and type(decoded) == 'table' and tonumber(decoded.updatedAt) and tonumber(decoded.updatedAt) > tonumber(ARGV[1]) then return 0 end
  redis.call('DEL', KEYS[1])
end
redis.call('PUBLISH', KEYS[2], ARGV[2])
return 1`;

function keyOf(provider: string, model: string): string {
  return `${provider}\u0000${model}`;
}

/**
 * Takes failing provider models out of rotation for a while.
 *
 * The n-th consecutive failure cools a provider+model down for
 * `min(maxMinutes, initialMinutes × 2^(n−1))` minutes, or for the upstream's Retry-After
 * when it sent one. Each failure is marked once. A failure while the target is already
 * cooling (a request that was in flight when the cooldown began) doesn't escalate the
 * count; it only extends the cooldown to a later Retry-After. A success deletes the
 * entry; expiry keeps the count (for FAILURE_MEMORY_MS) so the next failure escalates.
 *
 * `isCoolingDown` reads memory only. The state is written behind to `provider_cooldowns`
 * (never awaited by a request) and loaded at boot. With REDIS_URL, every change also goes
 * to a Redis key (TTL: expiry + failure memory) and a pub/sub message, so every replica
 * skips a cooling target as soon as the message arrives; the newest change wins.
 */
@Injectable()
export class CooldownService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(CooldownService.name);
  private readonly entries = new Map<string, CooldownEntry>();

  /** Database writes not done yet, by key; null deletes the row. */
  private readonly pending = new Map<string, CooldownEntry | null>();
  private writeQueued = false;
  private writeChain: Promise<unknown> = Promise.resolve();
  private retryTimer: NodeJS.Timeout | null = null;
  private pruneTimer: NodeJS.Timeout | null = null;
  private writeFailing = false;
  private redisFailing = false;
  private redisSynced = false;

  constructor(
    private readonly repository: CooldownRepository,
    private readonly settings: RoutingSettings,
    private readonly config: RoutingConfigService,
    private readonly redis: RedisConnection,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.load();
    this.pruneTimer = setInterval(() => this.pruneMemory(Date.now()), PRUNE_INTERVAL_MS);
    this.pruneTimer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    await this.flush();
    if (this.pending.size > 0)
      this.logger.error(`${this.pending.size} cooldown changes could not be written at shutdown`);
  }

  /** Loads the stored state (the database, then Redis when configured). Called at boot. */
  async load(now = Date.now()): Promise<void> {
    const pruned = await this.repository.deleteExpiredBefore(new Date(now - FAILURE_MEMORY_MS));
    if (pruned > 0) this.logger.debug(`pruned ${pruned} long-expired cooldowns`);
    for (const record of await this.repository.findAll()) this.applySet(fromRecord(record));
    if (this.redis.enabled) await this.connectRedis(now);
  }

  /** True while the provider+model, or the whole provider, is cooling down. Memory only. */
  isCoolingDown(provider: string, model: string, now = Date.now()): boolean {
    return this.coolingUntil(provider, model, now) !== null;
  }

  /** When the provider+model (or provider-wide) cooldown ends, or null when it isn't cooling. */
  coolingUntil(provider: string, model: string, now = Date.now()): number | null {
    if (this.entries.size === 0 || this.cooldownDisabled(provider)) return null;
    const own = this.entries.get(keyOf(provider, model))?.expiresAt ?? 0;
    const wide = model === '' ? 0 : (this.entries.get(keyOf(provider, ''))?.expiresAt ?? 0);
    const until = Math.max(own, wide);
    return until > now ? until : null;
  }

  /** Marks one failed attempt. Returns the cooldown it caused, or null when it caused none. */
  recordFailure(failure: FailureReport, now = Date.now()): CooldownEntry | null {
    const { provider, model } = failure;
    if (this.cooldownDisabled(provider)) return null;
    if ((failure.afterFirstByte || failure.stall) && !this.stallsCoolDown(provider)) return null;
    if (!triggersCooldown(failure.status, failure.reason)) return null;

    const key = keyOf(provider, model);
    const previous = this.entries.get(key);
    const settings = this.settings.current.cooldown;
    const lastError = failure.reason ? failure.reason.slice(0, MAX_ERROR_LENGTH) : null;
    const updatedAt = Math.max(now, (previous?.updatedAt ?? 0) + 1);
    let entry: CooldownEntry;
    if (previous && previous.expiresAt > now) {
      // Already cooling: the same outage seen by a request that started before it was marked.
      const later =
        failure.retryAfterSeconds === undefined
          ? 0
          : now + cooldownMs(previous.consecutiveFailures, settings, failure.retryAfterSeconds);
      entry = { ...previous, expiresAt: Math.max(previous.expiresAt, later), lastError, updatedAt };
    } else {
      const remembered = previous !== undefined && now - previous.expiresAt < FAILURE_MEMORY_MS;
      const consecutiveFailures = remembered ? previous.consecutiveFailures + 1 : 1;
      entry = {
        provider,
        model,
        expiresAt: now + cooldownMs(consecutiveFailures, settings, failure.retryAfterSeconds),
        consecutiveFailures,
        lastError,
        updatedAt,
      };
    }
    this.entries.set(key, entry);
    this.persist(key, entry);
    this.share({ origin: this.redis.instanceId, op: 'set', entry }, now);
    return entry;
  }

  private stallsCoolDown(provider: string): boolean {
    return (
      this.settings.current.stall.stallCooldown || this.config.provider(provider)?.settings['stall_cooldown'] === true
    );
  }

  /** A success on the provider+model: it's healthy again and its failure count resets. */
  recordSuccess(provider: string, model: string, now = Date.now()): void {
    if (this.entries.size === 0) return;
    const key = keyOf(provider, model);
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.persist(key, null);
    this.share(
      { origin: this.redis.instanceId, op: 'delete', provider, model, at: Math.max(now, entry.updatedAt) },
      now,
    );
  }

  /** Active cooldowns, oldest provider first; providers with `disable_cooldown` are hidden. */
  list(now = Date.now()): CooldownView[] {
    return [...this.entries.values()]
      .filter((entry) => entry.expiresAt > now && !this.cooldownDisabled(entry.provider))
      .sort((a, b) => a.provider.localeCompare(b.provider) || a.model.localeCompare(b.model))
      .map((entry) => ({
        provider: entry.provider,
        model: entry.model,
        expiry: entry.expiresAt,
        timeRemainingMs: Math.max(0, entry.expiresAt - now),
        consecutiveFailures: entry.consecutiveFailures,
        lastError: entry.lastError,
      }));
  }

  /**
   * Forgets cooldowns and failure counts: all of them, one provider's (every model and the
   * provider-wide entry), or one provider+model. Resolves once the database has them gone.
   */
  async clear(provider?: string, model?: string, now = Date.now()): Promise<number> {
    const removed = this.applyClear(provider, model, Number.POSITIVE_INFINITY);
    for (const key of [...this.pending.keys()]) if (matches(key, provider, model)) this.pending.delete(key);
    if (this.redis.enabled) {
      try {
        await this.clearRedis(provider, model, now);
      } catch (error) {
        this.logger.warn(`could not clear cooldowns in redis: ${(error as Error).message}`);
      }
    }
    await this.enqueueWrite(async () => {
      if (provider === undefined) await this.repository.deleteAll();
      else if (model === undefined) await this.repository.deleteProvider(provider);
      else await this.repository.delete(provider, model);
    });
    return removed;
  }

  /** Resolves once every change made so far is in the database (or failed and was kept for later). */
  flush(): Promise<void> {
    return this.enqueueWrite(() => this.writePending());
  }

  private cooldownDisabled(provider: string): boolean {
    return this.config.provider(provider)?.settings['disable_cooldown'] === true;
  }

  // --- state changes, from this replica or another -------------------------------------

  private applySet(entry: CooldownEntry): void {
    const key = keyOf(entry.provider, entry.model);
    const local = this.entries.get(key);
    if (!local || local.updatedAt <= entry.updatedAt) this.entries.set(key, entry);
  }

  private applyDelete(provider: string, model: string, at: number): void {
    const key = keyOf(provider, model);
    const local = this.entries.get(key);
    if (local && local.updatedAt <= at) this.entries.delete(key);
  }

  private applyClear(provider: string | undefined, model: string | undefined, at: number): number {
    let removed = 0;
    for (const [key, entry] of this.entries) {
      if (matches(key, provider, model) && entry.updatedAt <= at) {
        this.entries.delete(key);
        removed++;
      }
    }
    return removed;
  }

  private pruneMemory(now: number): void {
    for (const [key, entry] of this.entries) if (now - entry.expiresAt >= FAILURE_MEMORY_MS) this.entries.delete(key);
  }

  // --- write-behind to provider_cooldowns ----------------------------------------------

  private persist(key: string, entry: CooldownEntry | null): void {
    this.pending.set(key, entry);
    if (this.writeQueued) return;
    this.writeQueued = true;
    void this.enqueueWrite(() => this.writePending());
  }

  /** Database writes run one at a time, in the order they were asked for. */
  private enqueueWrite(write: () => Promise<void>): Promise<void> {
    const result = this.writeChain.then(write);
    this.writeChain = result.catch(() => undefined);
    return result;
  }

  private async writePending(): Promise<void> {
    this.writeQueued = false;
    const batch = [...this.pending];
    this.pending.clear();
    let failed = 0;
    for (const [key, entry] of batch) {
      try {
        if (entry) await this.repository.upsert(toRecord(entry));
        else {
          const [provider, model] = key.split('\u0000') as [string, string];
          await this.repository.delete(provider, model);
        }
      } catch (error) {
        failed++;
        // A newer change to the same key supersedes the failed one.
        if (!this.pending.has(key)) this.pending.set(key, entry);
        if (!this.writeFailing) this.logger.warn(`could not write cooldowns: ${(error as Error).message}; retrying`);
      }
    }
    this.writeFailing = failed > 0;
    if (failed > 0 && !this.retryTimer) {
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        if (this.pending.size > 0 && !this.writeQueued) {
          this.writeQueued = true;
          void this.enqueueWrite(() => this.writePending());
        }
      }, RETRY_WRITE_MS);
      this.retryTimer.unref();
    }
  }

  // --- Redis: shared state between replicas --------------------------------------------

  private redisKey(provider: string, model: string): string {
    return this.redis.key(`${KEY_SPACE}${encodeURIComponent(provider)}:${encodeURIComponent(model)}`);
  }

  private share(message: CooldownMessage, now: number): void {
    if (!this.redis.enabled) return;
    this.shareNow(message, now).then(
      () => {
        this.redisFailing = false;
      },
      (error: unknown) => {
        if (!this.redisFailing)
          this.logger.warn(`could not share a cooldown change through redis: ${(error as Error).message}`);
        this.redisFailing = true;
      },
    );
  }

  private async shareNow(message: CooldownMessage, now: number): Promise<void> {
    const channel = this.redis.key(CHANNEL);
    if (message.op === 'set') {
      const { entry } = message;
      const ttlMs = Math.max(1000, entry.expiresAt - now + FAILURE_MEMORY_MS);
      await this.redis.client.eval(
        SET_SCRIPT,
        2,
        this.redisKey(entry.provider, entry.model),
        channel,
        JSON.stringify(entry),
        String(entry.updatedAt),
        String(ttlMs),
        JSON.stringify(message),
      );
    } else if (message.op === 'delete') {
      await this.redis.client.eval(
        DELETE_SCRIPT,
        2,
        this.redisKey(message.provider, message.model),
        channel,
        String(message.at),
        JSON.stringify(message),
      );
    }
  }

  private async clearRedis(provider: string | undefined, model: string | undefined, now: number): Promise<void> {
    const client = this.redis.client;
    if (provider !== undefined && model !== undefined) {
      await client.del(this.redisKey(provider, model));
    } else {
      const pattern = provider === undefined ? this.redis.key(`${KEY_SPACE}*`) : `${this.redisKey(provider, '')}*`;
      for (const keys of await this.scan(pattern)) if (keys.length > 0) await client.del(...keys);
    }
    const message: CooldownMessage = {
      origin: this.redis.instanceId,
      op: 'clear',
      at: now,
      ...(provider !== undefined && { provider }),
      ...(model !== undefined && { model }),
    };
    await this.redis.publish(CHANNEL, JSON.stringify(message));
  }

  private async scan(pattern: string): Promise<string[][]> {
    const batches: string[][] = [];
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.client.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      batches.push(keys);
    } while (cursor !== '0');
    return batches;
  }

  private onMessage(raw: string): void {
    const message = JSON.parse(raw) as CooldownMessage;
    if (message.origin === this.redis.instanceId) return;
    switch (message.op) {
      case 'set':
        this.applySet(message.entry);
        return;
      case 'delete':
        this.applyDelete(message.provider, message.model, message.at);
        return;
      case 'clear':
        this.applyClear(message.provider, message.model, message.at);
        return;
    }
  }

  private async connectRedis(now: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in ${REDIS_BOOT_TIMEOUT_MS} ms`)), REDIS_BOOT_TIMEOUT_MS);
      timer.unref();
    });
    // Each time the subscription is (again) ready: the first time, merge with what Redis
    // holds; after a reconnection, take Redis as the truth (messages were missed).
    this.redis.onReady(() => {
      void this.syncFromRedis(Date.now(), this.redisSynced).catch((error: unknown) =>
        this.logger.warn(`could not sync cooldowns from redis: ${(error as Error).message}`),
      );
    });
    try {
      await Promise.race([
        (async () => {
          await this.redis.subscribe(CHANNEL, (message) => this.onMessage(message));
          await this.syncFromRedis(now, false);
        })(),
        timeout,
      ]);
    } catch (error) {
      this.logger.warn(`redis unavailable at boot, cooldowns start from the database: ${(error as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Takes every entry Redis holds (newest wins). At boot, entries only this replica knows
   * (from the database) are published; after a reconnection, entries Redis no longer
   * holds were deleted meanwhile and are dropped.
   */
  private async syncFromRedis(now: number, replace: boolean): Promise<void> {
    const seen = new Set<string>();
    this.redisSynced = true;
    for (const keys of await this.scan(this.redis.key(`${KEY_SPACE}*`))) {
      if (keys.length === 0) continue;
      const values = await this.redis.client.mget(...keys);
      for (const value of values) {
        if (!value) continue;
        const entry = JSON.parse(value) as CooldownEntry;
        seen.add(keyOf(entry.provider, entry.model));
        this.applySet(entry);
      }
    }
    for (const [key, entry] of this.entries) {
      if (seen.has(key)) continue;
      if (replace && entry.updatedAt < now) this.entries.delete(key);
      else if (!replace && entry.expiresAt > now) this.share({ origin: this.redis.instanceId, op: 'set', entry }, now);
    }
  }
}

function matches(key: string, provider: string | undefined, model: string | undefined): boolean {
  if (provider === undefined) return true;
  const [keyProvider, keyModel] = key.split('\u0000');
  return keyProvider === provider && (model === undefined || keyModel === model);
}

function fromRecord(record: CooldownRecord): CooldownEntry {
  return {
    provider: record.provider,
    model: record.model,
    expiresAt: record.expiresAt.getTime(),
    consecutiveFailures: record.consecutiveFailures,
    lastError: record.lastError,
    updatedAt: record.updatedAt.getTime(),
  };
}

function toRecord(entry: CooldownEntry): CooldownRecord {
  return {
    provider: entry.provider,
    model: entry.model,
    expiresAt: new Date(entry.expiresAt),
    consecutiveFailures: entry.consecutiveFailures,
    lastError: entry.lastError,
    updatedAt: new Date(entry.updatedAt),
  };
}
