import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DebugTraces1764000900000 implements MigrationInterface {
  name = 'DebugTraces1764000900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE debug_logs (
        request_id uuid PRIMARY KEY,
        api_key varchar(200),
        alias varchar(200),
        provider varchar(200),
        trace jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX idx_debug_logs_created_at ON debug_logs (created_at)`);
    await queryRunner.query(`CREATE INDEX idx_debug_logs_api_key ON debug_logs (api_key)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE debug_logs`);
  }
}
