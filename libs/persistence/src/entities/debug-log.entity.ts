import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** A debug trace of one request: what the client and the upstream sent and received, secrets redacted. */
@Entity('debug_logs')
@Index('idx_debug_logs_created_at', ['createdAt'])
@Index('idx_debug_logs_api_key', ['apiKey'])
export class DebugLogEntity {
  @PrimaryColumn({ name: 'request_id', type: 'uuid' })
  requestId!: string;

  /** The API key's name (never its secret). */
  @Column({ name: 'api_key', type: 'varchar', length: 200, nullable: true })
  apiKey!: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  alias!: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  provider!: string | null;

  @Column({ type: 'jsonb' })
  trace!: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
