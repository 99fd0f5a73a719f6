import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The durable copy of one quota bucket: a key's (or, for a shared quota, `*`'s) usage of
 * one quota definition, as of `last_updated`. The quota ledger writes it behind its
 * memory (or Redis) and loads it at boot. Leaky (rolling) buckets drain from
 * `current_usage` at `last_updated`; calendar buckets are void once `window_start` is
 * not the current window's start.
 */
@Entity('quota_state')
export class QuotaStateEntity {
  @PrimaryColumn({ name: 'bucket_key', type: 'varchar', length: 200 })
  bucketKey!: string;

  @PrimaryColumn({ name: 'quota_name', type: 'varchar', length: 63 })
  quotaName!: string;

  @Column({ name: 'limit_type', type: 'varchar', length: 16 })
  limitType!: string;

  @Column({ name: 'current_usage', type: 'double precision' })
  currentUsage!: number;

  /** Start of the calendar window the usage belongs to; null for rolling quotas. */
  @Column({ name: 'window_start', type: 'timestamptz', nullable: true })
  windowStart!: Date | null;

  @Column({ name: 'last_updated', type: 'timestamptz' })
  lastUpdated!: Date;

  /** Orders writes of the same instant (the bucket's write count in Redis). */
  @Column({ type: 'bigint', default: 0 })
  version!: string;
}
