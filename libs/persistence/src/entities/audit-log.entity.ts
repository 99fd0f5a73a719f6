import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One configuration change made through the management API: who, what, when, and how it ended. */
@Entity('audit_log')
export class AuditLogEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'occurred_at', type: 'timestamptz', default: () => 'now()' })
  occurredAt!: Date;

  /** The SSO user, `admin-key`, or the API key name of a limited principal. */
  @Column({ type: 'varchar', length: 320 })
  actor!: string;

  @Column({ name: 'actor_kind', type: 'varchar', length: 16 })
  actorKind!: string;

  @Column({ type: 'varchar', length: 10 })
  method!: string;

  @Column({ type: 'varchar', length: 2048 })
  path!: string;

  @Column({ type: 'varchar', length: 512, nullable: true })
  target!: string | null;

  @Column({ type: 'integer' })
  status!: number;

  @Column({ name: 'request_id', type: 'varchar', length: 64, nullable: true })
  requestId!: string | null;

  @Column({ name: 'source_ip', type: 'varchar', length: 64, nullable: true })
  sourceIp!: string | null;
}
