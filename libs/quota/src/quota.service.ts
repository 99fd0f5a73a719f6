import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { ErrorCode, GatewayException } from '@plexus/core';
import { ApiKeyRepository, QuotaStateRepository, type ApiKeyPolicy } from '@plexus/persistence';
import { randomUUID } from 'node:crypto';
import type { BucketSpec, BucketWrite, QuotaStore } from './ledger/quota-store';
import { QuotaStateWriter } from './ledger/quota-state-writer';
import type { UsageEstimate } from './quota-estimate';
import { QuotaDefinitions } from './quota-definitions.service';
import { QuotaExceededException, type BlockingQuota } from './quota-exceeded.exception';
import { admissionUnit, resetsAt, retryAfterMs, windowOf, type QuotaDefinition } from './window/quota-window';

export const QUOTA_STORE = Symbol('QUOTA_STORE');

/** How long an in-flight slot outlives its last renewal (a replica that died frees it then). */
export const LEASE_MS = 120_000;
const RENEW_EVERY_MS = 30_000;
/** Shared quotas pool every key's usage in this bucket. */
export const SHARED_BUCKET = '*';

/** Who is asking: the API key's name and policy (quotas, maxConcurrency). */
export interface QuotaPrincipal {
  keyName: string;
  policy: ApiKeyPolicy;
}

interface ReservedBucket {
  definition: QuotaDefinition;
  spec: BucketSpec;
  amount: number;
  reservedWindowStart: number | null;
}

/** What an admitted request holds until it is settled or released. */
export interface Reservation {
  readonly id: string;
  readonly keyName: string;
  readonly estimate: UsageEstimate;
  readonly buckets: ReservedBucket[];
  readonly holdsSlot: boolean;
  /** `x-plexus-quota*` of the most constrained quota, after the reservation. */
  readonly headers: Record<string, string>;
  done: boolean;
}

/** One quota of a key, as the status endpoints show it (the reference's status entry). */
export interface QuotaStatusEntry {
  name: string;
  type: QuotaDefinition['type'];
  duration: string | null;
  limitType: QuotaDefinition['limitType'];
  limit: number;
  currentUsage: number;
  remaining: number;
  allowed: boolean;
  resetsAt: string;
  shared: boolean;
  warnAt: number | null;
  source: 'assigned';
}

export interface KeyQuotaStatus {
  key: string;
  quotas: QuotaStatusEntry[];
  /** In-flight limit of the key and its requests in flight now; null without a limit. */
  concurrency: { limit: number; inFlight: number } | null;
}

function amountOf(limitType: QuotaDefinition['limitType'], usage: UsageEstimate): number {
  switch (limitType) {
    case 'requests':
      return 1;
    case 'tokens':
      return usage.tokens;
    case 'cost':
      return usage.cost;
  }
}

/** Display rounding: whole requests and tokens (drained leaky buckets are fractional), cost to 1e-8 USD. */
function rounded(value: number, limitType: QuotaDefinition['limitType']): number {
  return limitType === 'cost' ? Math.round(value * 1e8) / 1e8 : Math.round(value * 1000) / 1000;
}

/**
 * User quotas: admission reserves a request's estimate on every quota of its key (and an
 * in-flight slot when the key has `maxConcurrency`), all or nothing, in one atomic store
 * operation; settlement corrects each reservation to the request's real usage. A key
 * already at a quota gets a 429 before anything is dispatched.
 */
@Injectable()
export class QuotaService implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(QuotaService.name);
  private readonly writer: QuotaStateWriter;
  /** In-flight slots this replica holds, by reservation id: renewed while their requests run. */
  private readonly leases = new Map<string, string>();
  private renewTimer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(QUOTA_STORE) private readonly store: QuotaStore,
    private readonly definitions: QuotaDefinitions,
    private readonly states: QuotaStateRepository,
    private readonly keys: ApiKeyRepository,
  ) {
    this.writer = new QuotaStateWriter(states);
  }

  get storeKind(): QuotaStore['kind'] {
    return this.store.kind;
  }

  async onModuleInit(): Promise<void> {
    const records = await this.states.findAll();
    try {
      await this.store.seed(records, Date.now());
    } catch (error) {
      this.logger.warn(`could not seed quota state into ${this.store.kind}: ${(error as Error).message}`);
    }
    if (this.store.kind === 'redis') {
      this.renewTimer = setInterval(() => this.renewLeases(), RENEW_EVERY_MS);
      this.renewTimer.unref();
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.renewTimer) clearInterval(this.renewTimer);
    this.writer.stop();
    await this.writer.flush();
    if (this.writer.size > 0) this.logger.error(`${this.writer.size} quota states could not be written at shutdown`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }

  /** Whether requests of this key go through admission at all (it has quotas or an in-flight limit). */
  applies(principal: QuotaPrincipal): boolean {
    return maxConcurrencyOf(principal.policy) !== null || this.definitions.of(principal.policy).length > 0;
  }

  /**
   * Reserves the request on every quota of the key, or refuses it: QuotaExceededException
   * (429) when a quota is full, CONCURRENCY_LIMIT (429) when the key has `maxConcurrency`
   * requests in flight. Null when the key has neither quotas nor an in-flight limit.
   */
  async admit(principal: QuotaPrincipal, estimate: UsageEstimate, now = Date.now()): Promise<Reservation | null> {
    const definitions = this.definitions.of(principal.policy);
    const max = maxConcurrencyOf(principal.policy);
    if (definitions.length === 0 && max === null) return null;
    const id = randomUUID();
    const buckets: ReservedBucket[] = definitions.map((definition) => {
      const spec = this.specOf(definition, principal.keyName, now);
      return {
        definition,
        spec,
        amount: amountOf(definition.limitType, estimate),
        reservedWindowStart: spec.window.kind === 'calendar' ? spec.window.start : null,
      };
    });
    let outcome;
    try {
      outcome = await this.store.admit({
        now,
        reservationId: id,
        buckets: buckets.map((bucket) => ({ ...bucket.spec, amount: bucket.amount })),
        ...(max !== null && { concurrency: { keyName: principal.keyName, max, leaseUntil: now + LEASE_MS } }),
      });
    } catch (error) {
      this.logger.error(`quota admission failed: ${(error as Error).message}`);
      throw new GatewayException(ErrorCode.INTERNAL, {
        status: 503,
        message: 'Quota ledger unavailable: try again shortly',
        retryAfterSeconds: 1,
        cause: error,
      });
    }
    if (!outcome.ok) {
      if (outcome.blocked.length > 0) throw this.exceeded(buckets, outcome.usages, outcome.blocked, now);
      throw new GatewayException(ErrorCode.CONCURRENCY_LIMIT, {
        message: `Concurrency limit exceeded: ${outcome.inFlight} of ${max} requests of this key are in flight`,
        retryAfterSeconds: 1,
      });
    }
    buckets.forEach((bucket, index) => this.persist(bucket.spec, outcome.writes[index]));
    if (max !== null) this.leases.set(id, principal.keyName);
    return {
      id,
      keyName: principal.keyName,
      estimate,
      buckets,
      holdsSlot: max !== null,
      headers: headersOf(buckets, outcome.usages, now),
      done: false,
    };
  }

  /** Corrects the reservation to what the request really used, and frees its in-flight slot. */
  async settle(reservation: Reservation, actual: UsageEstimate, now = Date.now()): Promise<void> {
    await this.finish(reservation, (bucket) => amountOf(bucket.definition.limitType, actual) - bucket.amount, now);
  }

  /** Gives the whole reservation back (the request never reached an upstream), and frees its slot. */
  async release(reservation: Reservation, now = Date.now()): Promise<void> {
    await this.finish(reservation, (bucket) => -bucket.amount, now);
  }

  /** The key's quotas and in-flight count now; null when the key doesn't exist. */
  async status(keyName: string, now = Date.now()): Promise<KeyQuotaStatus | null> {
    const record = await this.keys.findByName(keyName);
    if (!record) return null;
    const definitions = this.definitions.of(record.policy);
    const specs = definitions.map((definition) => this.specOf(definition, keyName, now));
    const usages = await this.store.read(specs, now);
    const max = maxConcurrencyOf(record.policy);
    return {
      key: keyName,
      quotas: definitions.map((definition, index) => {
        const spec = specs[index];
        const usage = usages[index];
        const allowed =
          retryAfterMs({ usage, limit: definition.limit, unit: spec.unit, window: spec.window, now }) === 0;
        return {
          name: definition.name,
          type: definition.type,
          duration: definition.duration,
          limitType: definition.limitType,
          limit: definition.limit,
          currentUsage: rounded(usage, definition.limitType),
          remaining: rounded(definition.limit - usage, definition.limitType),
          allowed,
          resetsAt: new Date(resetsAt(usage, definition.limit, spec.window, now)).toISOString(),
          shared: definition.shared,
          warnAt: definition.warnAt,
          source: 'assigned' as const,
        };
      }),
      concurrency: max === null ? null : { limit: max, inFlight: await this.store.inFlight(keyName, now) },
    };
  }

  /**
   * Resets a key's usage: every quota it holds, or only `quotaName`. A shared quota's
   * pooled bucket is reset for every key holding it. False when the key doesn't exist.
   */
  async clear(keyName: string, quotaName?: string): Promise<boolean> {
    const record = await this.keys.findByName(keyName);
    if (!record) return false;
    const definitions = this.definitions
      .of(record.policy)
      .filter((definition) => quotaName === undefined || definition.name === quotaName);
    const buckets = definitions.map((definition) => ({
      bucketKey: definition.shared ? SHARED_BUCKET : keyName,
      quotaName: definition.name,
    }));
    if (quotaName !== undefined && buckets.length === 0) buckets.push({ bucketKey: keyName, quotaName });
    await this.store.clear(buckets);
    await this.writer.clear(buckets);
    return true;
  }

  /**
   * Replaces a bucket's usage (a shared quota's pooled bucket for every key holding it):
   * emptied, then charged `usage` now. Requests in flight meanwhile settle against the new figure.
   */
  async overwrite(keyName: string, definition: QuotaDefinition, usage: number, now = Date.now()): Promise<void> {
    const spec = this.specOf(definition, keyName, now);
    const bucket = { bucketKey: spec.bucketKey, quotaName: spec.quotaName };
    await this.store.clear([bucket]);
    await this.writer.clear([bucket]);
    if (usage <= 0) return;
    const [write] = await this.store.settle({
      now,
      reservationId: randomUUID(),
      buckets: [
        { ...spec, delta: usage, reservedWindowStart: spec.window.kind === 'calendar' ? spec.window.start : null },
      ],
    });
    if (write) this.persist(spec, write);
  }

  /** Forgets all usage of a deleted quota definition, so a new one of the same name starts empty. */
  async forget(quotaName: string): Promise<void> {
    await this.store.forget(quotaName);
    await this.writer.forget(quotaName);
  }

  /** Resolves once every state change so far is in the database. */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  private specOf(definition: QuotaDefinition, keyName: string, now: number): BucketSpec {
    return {
      bucketKey: definition.shared ? SHARED_BUCKET : keyName,
      quotaName: definition.name,
      limitType: definition.limitType,
      limit: definition.limit,
      window: windowOf(definition, now),
      unit: admissionUnit(definition.limitType),
    };
  }

  private async finish(
    reservation: Reservation,
    delta: (bucket: ReservedBucket) => number,
    now: number,
  ): Promise<void> {
    if (reservation.done) return;
    reservation.done = true;
    this.leases.delete(reservation.id);
    const buckets = reservation.buckets.map((bucket) => ({
      ...bucket.spec,
      // The window as of now: a calendar window that ended since admission drops the adjustment.
      window: windowOf(bucket.definition, now),
      delta: delta(bucket),
      reservedWindowStart: bucket.reservedWindowStart,
    }));
    if (buckets.every((bucket) => bucket.delta === 0) && !reservation.holdsSlot) return;
    try {
      const writes = await this.store.settle({
        now,
        reservationId: reservation.id,
        buckets,
        ...(reservation.holdsSlot && { concurrencyKey: reservation.keyName }),
      });
      buckets.forEach((bucket, index) => {
        const write = writes[index];
        if (write) this.persist(bucket, write);
      });
    } catch (error) {
      this.logger.warn(`could not settle a quota reservation of '${reservation.keyName}': ${(error as Error).message}`);
    }
  }

  private persist(spec: BucketSpec, write: BucketWrite): void {
    this.writer.write({
      bucketKey: spec.bucketKey,
      quotaName: spec.quotaName,
      limitType: spec.limitType,
      currentUsage: write.usage,
      windowStart: spec.window.kind === 'calendar' ? spec.window.start : null,
      lastUpdated: write.updatedAt,
      version: write.version,
    });
  }

  private exceeded(
    buckets: ReservedBucket[],
    usages: number[],
    blockedIndexes: number[],
    now: number,
  ): QuotaExceededException {
    const blocked = blockedIndexes.map((index) => {
      const bucket = buckets[index];
      const usage = usages[index];
      const { limit, limitType } = bucket.definition;
      return {
        bucket,
        usage,
        retryMs: retryAfterMs({ usage, limit, unit: bucket.spec.unit, window: bucket.spec.window, now }),
        entry: {
          quotaName: bucket.definition.name,
          limitType,
          limit,
          currentUsage: rounded(usage, limitType),
          remaining: rounded(Math.max(0, limit - usage), limitType),
          resetsAt: new Date(resetsAt(usage, limit, bucket.spec.window, now)).toISOString(),
        } satisfies BlockingQuota,
      };
    });
    // The headline is the quota that admits last: the client must wait for it.
    blocked.sort((a, b) => b.retryMs - a.retryMs);
    const headline = blocked[0];
    const retryAfterSeconds = Math.max(1, Math.ceil(headline.retryMs / 1000));
    const headers = quotaHeaders(headline.bucket, headline.usage, now);
    return new QuotaExceededException(
      blocked.map((item) => item.entry),
      retryAfterSeconds,
      headers,
    );
  }

  private renewLeases(): void {
    if (this.leases.size === 0) return;
    const leases = [...this.leases].map(([reservationId, keyName]) => ({ reservationId, keyName }));
    this.store.renewLeases(leases, Date.now() + LEASE_MS).catch((error: unknown) => {
      this.logger.warn(`could not renew in-flight leases: ${(error as Error).message}`);
    });
  }
}

function maxConcurrencyOf(policy: ApiKeyPolicy): number | null {
  const max = policy.maxConcurrency;
  return typeof max === 'number' && Number.isFinite(max) && max > 0 ? Math.floor(max) : null;
}

function quotaHeaders(bucket: ReservedBucket, usage: number, now: number): Record<string, string> {
  const { definition, spec } = bucket;
  const headers: Record<string, string> = {
    'x-plexus-quota': definition.name,
    'x-plexus-quota-limit': String(definition.limit),
    'x-plexus-quota-remaining': String(rounded(Math.max(0, definition.limit - usage), definition.limitType)),
    'x-plexus-quota-reset': new Date(resetsAt(usage, definition.limit, spec.window, now)).toISOString(),
  };
  if (definition.warnAt !== null && usage / definition.limit >= definition.warnAt) {
    headers['x-plexus-quota-warning'] =
      `${definition.name} at ${Math.round((usage / definition.limit) * 100)}% of its limit`;
  }
  return headers;
}

/** The headers of the most constrained quota: the smallest remaining share of its limit. */
function headersOf(buckets: ReservedBucket[], usages: number[], now: number): Record<string, string> {
  let best: { bucket: ReservedBucket; usage: number; share: number } | null = null;
  buckets.forEach((bucket, index) => {
    const usage = usages[index];
    const share = (bucket.definition.limit - usage) / bucket.definition.limit;
    if (!best || share < best.share) best = { bucket, usage, share };
  });
  if (!best) return {};
  const chosen = best as { bucket: ReservedBucket; usage: number };
  return quotaHeaders(chosen.bucket, chosen.usage, now);
}
