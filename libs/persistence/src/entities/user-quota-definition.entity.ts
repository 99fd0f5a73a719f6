import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export type QuotaWindowType = 'rolling' | 'daily' | 'weekly' | 'monthly';
export type QuotaLimitType = 'requests' | 'tokens' | 'cost';

/**
 * A user quota definition (the reference's UserQuotaDefinition): a limit on requests,
 * tokens or cost per window, assigned to API keys by name. The limit is a double, so
 * fractional cost budgets are kept exactly (the reference's integer column loses them).
 */
@Entity('user_quota_definitions')
export class UserQuotaDefinitionEntity {
  @PrimaryColumn({ type: 'varchar', length: 63 })
  name!: string;

  @Column({ name: 'quota_type', type: 'varchar', length: 16 })
  type!: QuotaWindowType;

  @Column({ name: 'limit_type', type: 'varchar', length: 16 })
  limitType!: QuotaLimitType;

  @Column({ name: 'limit_value', type: 'double precision' })
  limit!: number;

  /** Window length of a rolling quota (`30s`, `5m`, `2h30m`, `1d`); null for calendar windows. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  duration!: string | null;

  /** One bucket pooled by every key holding the quota, instead of one per key. */
  @Column({ type: 'boolean', default: false })
  shared!: boolean;

  /** Usage/limit ratio (0 < x < 1) from which answers carry `x-plexus-quota-warning`. */
  @Column({ name: 'warn_at', type: 'double precision', nullable: true })
  warnAt!: number | null;

  /** Owned by the declarative config file (PLEXUS_CONFIG): the management API refuses to change it. */
  @Column({ type: 'boolean', default: false })
  managed!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
