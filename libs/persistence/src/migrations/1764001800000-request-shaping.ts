import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What per-attempt request shaping did: vision fallthrough (and its descriptor calls) and compaction. */
export class RequestShaping1764001800000 implements MigrationInterface {
  name = 'RequestShaping1764001800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE request_usage
        ADD COLUMN is_vision_fallthrough boolean,
        ADD COLUMN vision_fallthrough_model varchar(300),
        ADD COLUMN vision_fallthrough_error text,
        ADD COLUMN is_descriptor_request boolean,
        ADD COLUMN parent_request_id uuid,
        ADD COLUMN compaction_tokens_before integer,
        ADD COLUMN compaction_tokens_after integer`);
    await queryRunner.query(
      `CREATE INDEX idx_request_usage_parent_request_id ON request_usage (parent_request_id) WHERE parent_request_id IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX idx_request_usage_parent_request_id`);
    await queryRunner.query(`
      ALTER TABLE request_usage
        DROP COLUMN is_vision_fallthrough, DROP COLUMN vision_fallthrough_model, DROP COLUMN vision_fallthrough_error,
        DROP COLUMN is_descriptor_request, DROP COLUMN parent_request_id,
        DROP COLUMN compaction_tokens_before, DROP COLUMN compaction_tokens_after`);
  }
}
