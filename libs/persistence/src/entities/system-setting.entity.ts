import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One global setting (a section such as `failover` or `cooldown`) as JSON. */
@Entity('system_settings')
export class SystemSettingEntity {
  @PrimaryColumn({ type: 'varchar', length: 200 })
  key!: string;

  @Column({ type: 'jsonb' })
  value!: unknown;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
