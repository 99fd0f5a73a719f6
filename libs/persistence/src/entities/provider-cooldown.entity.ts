import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A provider+model cooling down after failures. `model = ''` cools the whole provider.
 * The row outlives its expiry: the failure count escalates the next cooldown until a
 * success deletes the row.
 */
@Entity('provider_cooldowns')
@Index('idx_provider_cooldowns_expires_at', ['expiresAt'])
export class ProviderCooldownEntity {
  @PrimaryColumn({ type: 'varchar', length: 200 })
  provider!: string;

  @PrimaryColumn({ type: 'varchar', length: 300, default: '' })
  model!: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'consecutive_failures', type: 'integer', default: 1 })
  consecutiveFailures!: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
