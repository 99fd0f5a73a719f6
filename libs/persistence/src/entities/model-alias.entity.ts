import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export interface AliasTargetRecord {
  provider: string;
  model: string;
  enabled?: boolean;
}

export interface AliasTargetGroupRecord {
  name: string;
  selector: string;
  targets: AliasTargetRecord[];
}

@Entity('model_aliases')
export class ModelAliasEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 300, unique: true })
  slug!: string;

  @Column({ name: 'alias_type', type: 'varchar', length: 32, default: 'text' })
  aliasType!: string;

  @Column({ type: 'varchar', length: 32, default: 'selector' })
  priority!: string;

  @Column({ name: 'target_groups', type: 'jsonb' })
  targetGroups!: AliasTargetGroupRecord[];

  @Column({ name: 'additional_aliases', type: 'jsonb', default: () => "'[]'::jsonb" })
  additionalAliases!: string[];

  /** Every other AliasConfig field (metadata, extraBody, sticky_session...). */
  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" })
  settings!: Record<string, unknown>;

  /** Owned by the declarative config file (PLEXUS_CONFIG): the management API refuses to change it. */
  @Column({ type: 'boolean', default: false })
  managed!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
