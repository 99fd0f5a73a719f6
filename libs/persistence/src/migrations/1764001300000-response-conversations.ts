import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Responses API conversations: each stored answer may belong to one, with the input items of its turn. */
export class ResponseConversations1764001300000 implements MigrationInterface {
  name = 'ResponseConversations1764001300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE stored_responses ADD COLUMN conversation_id varchar(100)`);
    await queryRunner.query(`ALTER TABLE stored_responses ADD COLUMN input_items jsonb`);
    await queryRunner.query(
      `CREATE INDEX idx_stored_responses_conversation ON stored_responses (api_key, conversation_id, created_at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX idx_stored_responses_conversation`);
    await queryRunner.query(`ALTER TABLE stored_responses DROP COLUMN input_items`);
    await queryRunner.query(`ALTER TABLE stored_responses DROP COLUMN conversation_id`);
  }
}
