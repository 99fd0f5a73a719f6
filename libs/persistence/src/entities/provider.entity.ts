import { Column, CreateDateColumn, Entity, OneToMany, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { PROVIDER_SETTINGS_COLUMN } from '../encryption/provider-secrets';
import { ENCRYPTED_COLUMN } from '../encryption/secret-cipher';
import { ProviderModelEntity } from './provider-model.entity';

/** A per-API-type URL map (`{chat: url, messages: url}`) or one URL for every type. */
export type ApiBaseUrl = string | Record<string, string>;

@Entity('providers')
export class ProviderEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 200, unique: true })
  slug!: string;

  @Column({ name: 'display_name', type: 'varchar', length: 200, nullable: true })
  displayName!: string | null;

  @Column({ name: 'api_base_url', type: 'jsonb' })
  apiBaseUrl!: ApiBaseUrl;

  @Column({ name: 'api_key', type: 'text', nullable: true, transformer: ENCRYPTED_COLUMN })
  apiKey!: string | null;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  /** Every other ProviderConfig field (timeouts, headers, extraBody, discount...); headers and quota checker credentials encrypted. */
  @Column({ type: 'jsonb', default: () => "'{}'::jsonb", transformer: PROVIDER_SETTINGS_COLUMN })
  settings!: Record<string, unknown>;

  @OneToMany(() => ProviderModelEntity, (model) => model.provider, { cascade: true })
  models!: ProviderModelEntity[];

  /** Owned by the declarative config file (PLEXUS_CONFIG): the management API refuses to change it. */
  @Column({ type: 'boolean', default: false })
  managed!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
