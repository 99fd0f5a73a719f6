import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A Responses API answer kept for `previous_response_id` and `GET /v1/responses/{id}`,
 * scoped to the API key that created it.
 */
@Entity('stored_responses')
@Index('idx_stored_responses_created_at', ['createdAt'])
export class StoredResponseEntity {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  id!: string;

  @Column({ name: 'api_key', type: 'varchar', length: 200 })
  apiKey!: string;

  /** Canonical instructions and conversation up to and including this answer. */
  @Column({ type: 'jsonb' })
  history!: { instructions: unknown[]; messages: unknown[] };

  /** The response object as the client received it. */
  @Column({ type: 'jsonb' })
  response!: Record<string, unknown>;

  /** The Responses conversation this answer is a turn of (`conversation` request parameter). */
  @Column({ name: 'conversation_id', type: 'varchar', length: 100, nullable: true })
  conversationId!: string | null;

  /** The turn's input items as the client sent them, for the conversation's item list. */
  @Column({ name: 'input_items', type: 'jsonb', nullable: true })
  inputItems!: unknown[] | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
