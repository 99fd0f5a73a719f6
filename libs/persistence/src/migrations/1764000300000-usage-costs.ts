import type { MigrationInterface, QueryRunner } from 'typeorm';

export class UsageCosts1764000300000 implements MigrationInterface {
  name = 'UsageCosts1764000300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE request_usage
        ADD COLUMN cost_input double precision NOT NULL DEFAULT 0,
        ADD COLUMN cost_output double precision NOT NULL DEFAULT 0,
        ADD COLUMN cost_cached double precision NOT NULL DEFAULT 0,
        ADD COLUMN cost_cache_write double precision NOT NULL DEFAULT 0,
        ADD COLUMN cost_total double precision NOT NULL DEFAULT 0,
        ADD COLUMN cost_source varchar(32)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE request_usage
        DROP COLUMN cost_input, DROP COLUMN cost_output, DROP COLUMN cost_cached,
        DROP COLUMN cost_cache_write, DROP COLUMN cost_total, DROP COLUMN cost_source`);
  }
}
