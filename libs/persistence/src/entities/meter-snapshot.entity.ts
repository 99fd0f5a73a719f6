import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One meter of one provider quota check (a balance or a windowed allowance), as the
 * checker read it at `checked_at`. A failed check or one that reported nothing leaves a
 * sentinel row (`meter_key` `_error` / `_empty`) so the history shows it.
 */
@Entity('meter_snapshots')
export class MeterSnapshotEntity {
  @PrimaryGeneratedColumn('increment')
  id!: number;

  @Column({ name: 'checker_id', type: 'varchar', length: 200 })
  checkerId!: string;

  @Column({ name: 'checker_type', type: 'varchar', length: 64 })
  checkerType!: string;

  @Column({ type: 'varchar', length: 200 })
  provider!: string;

  @Column({ name: 'meter_key', type: 'varchar', length: 200 })
  meterKey!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: string;

  @Column({ type: 'varchar', length: 32 })
  unit!: string;

  @Column({ type: 'varchar', length: 300 })
  label!: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  group!: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  scope!: string | null;

  @Column({ type: 'double precision', nullable: true })
  limit!: number | null;

  @Column({ type: 'double precision', nullable: true })
  used!: number | null;

  @Column({ type: 'double precision', nullable: true })
  remaining!: number | null;

  @Column({ name: 'utilization_state', type: 'varchar', length: 16 })
  utilizationState!: string;

  @Column({ name: 'utilization_percent', type: 'double precision', nullable: true })
  utilizationPercent!: number | null;

  @Column({ type: 'varchar', length: 16 })
  status!: string;

  @Column({ name: 'period_value', type: 'integer', nullable: true })
  periodValue!: number | null;

  @Column({ name: 'period_unit', type: 'varchar', length: 16, nullable: true })
  periodUnit!: string | null;

  @Column({ name: 'period_cycle', type: 'varchar', length: 16, nullable: true })
  periodCycle!: string | null;

  @Column({ name: 'resets_at', type: 'timestamptz', nullable: true })
  resetsAt!: Date | null;

  @Column({ type: 'boolean' })
  success!: boolean;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage!: string | null;

  @Column({ name: 'checked_at', type: 'timestamptz' })
  checkedAt!: Date;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
