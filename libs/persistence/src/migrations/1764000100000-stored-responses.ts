import type { MigrationInterface, QueryRunner } from 'typeorm';

export class StoredResponses1764000100000 implements MigrationInterface {
  name = 'StoredResponses1764000100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE stored_responses (
        id varchar(100) PRIMARY KEY,
        api_key varchar(200) NOT NULL,
        history jsonb NOT NULL,
        response jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX idx_stored_responses_created_at ON stored_responses (created_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE stored_responses`);
  }
}
