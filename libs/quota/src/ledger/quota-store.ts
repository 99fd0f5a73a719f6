import type { QuotaStateRecord } from '@plexus/persistence';
import type { QuotaWindow } from '../window/quota-window';

/** One quota bucket as an operation sees it: whose, which definition, its limit and current window. */
export interface BucketSpec {
  /** The API key's name, or `*` for a shared quota's pooled bucket. */
  bucketKey: string;
  quotaName: string;
  limitType: string;
  limit: number;
  window: QuotaWindow;
  /** 1 for request quotas (a whole request must fit), 0 for token and cost quotas. */
  unit: number;
}

export interface ConcurrencySpec {
  /** The API key's name. */
  keyName: string;
  max: number;
  /** Epoch ms after which a replica that died holding the slot no longer counts (refreshed while in flight). */
  leaseUntil: number;
}

export interface AdmitInput {
  now: number;
  reservationId: string;
  /** `amount`: what the reservation charges at once (1 request, the token or cost estimate). */
  buckets: Array<BucketSpec & { amount: number }>;
  concurrency?: ConcurrencySpec;
}

/**
 * A bucket as an operation left it, for the durable copy: `updatedAt` never goes back for
 * a bucket, and `version` counts its writes, so (updatedAt, version) orders them.
 */
export interface BucketWrite {
  usage: number;
  updatedAt: number;
  version: number;
}

export type AdmitOutcome =
  /** Reserved: every bucket's usage after the reservation (and its write), in input order. */
  | { ok: true; usages: number[]; writes: BucketWrite[]; inFlight: number }
  /** Refused, nothing written: the current usages, the full buckets' indexes, and whether the in-flight limit refused. */
  | { ok: false; usages: number[]; blocked: number[]; concurrencyBlocked: boolean; inFlight: number };

export interface SettleInput {
  now: number;
  reservationId: string;
  /**
   * `delta`: what to add to the reservation's amount (actual − reserved; −reserved
   * releases it). `reservedWindowStart`: the calendar window the amount was charged in;
   * once another window has begun the adjustment is dropped with the old window.
   */
  buckets: Array<BucketSpec & { delta: number; reservedWindowStart: number | null }>;
  /** The API key whose in-flight slot the reservation holds, if it holds one. */
  concurrencyKey?: string;
}

/**
 * Where quota buckets live: in this process (exact, single replica) or in Redis (atomic
 * across replicas, one script per operation). Every operation either applies to all of
 * a key's buckets or to none.
 */
export interface QuotaStore {
  readonly kind: 'memory' | 'redis';
  /** Checks every bucket (and the in-flight limit) and, when all admit, reserves on all at once. */
  admit(input: AdmitInput): Promise<AdmitOutcome>;
  /** Applies each bucket's delta and frees the in-flight slot; each bucket's write (null where dropped or unchanged). */
  settle(input: SettleInput): Promise<Array<BucketWrite | null>>;
  /** Current usages, without changing anything. */
  read(buckets: BucketSpec[], now: number): Promise<number[]>;
  /** Requests of the key in flight now. */
  inFlight(keyName: string, now: number): Promise<number>;
  /** Keeps in-flight slots alive while their requests run. */
  renewLeases(leases: Array<{ keyName: string; reservationId: string }>, leaseUntil: number): Promise<void>;
  /** Empties the buckets. */
  clear(buckets: Array<{ bucketKey: string; quotaName: string }>): Promise<void>;
  /** Empties every bucket of one quota definition (it was deleted). */
  forget(quotaName: string): Promise<void>;
  /** Boot: takes the database's copy of buckets the store doesn't hold (Redis keeps what it has). */
  seed(records: QuotaStateRecord[], now: number): Promise<void>;
  close(): Promise<void>;
}
