import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { ProviderEntity } from './provider.entity';

@Entity('provider_models')
@Unique('uq_provider_models_provider_model', ['providerId', 'modelName'])
export class ProviderModelEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'provider_id', type: 'uuid' })
  providerId!: string;

  @ManyToOne(() => ProviderEntity, (provider) => provider.models, { onDelete: 'CASCADE', orphanedRowAction: 'delete' })
  @JoinColumn({ name: 'provider_id' })
  provider!: ProviderEntity;

  @Column({ name: 'model_name', type: 'varchar', length: 300 })
  modelName!: string;

  /** Pricing, access_via, type, extraBody... as in the reference's provider `models` map. */
  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" })
  config!: Record<string, unknown>;

  @Column({ name: 'sort_order', type: 'integer', default: 0 })
  sortOrder!: number;
}
