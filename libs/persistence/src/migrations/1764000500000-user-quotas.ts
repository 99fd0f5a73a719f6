import type { MigrationInterface, QueryRunner } from 'typeorm';

export class UserQuotas1764000500000 implements MigrationInterface {
  name = 'UserQuotas1764000500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE user_quota_definitions (
        name varchar(63) PRIMARY KEY,
        quota_type varchar(16) NOT NULL,
        limit_type varchar(16) NOT NULL,
        limit_value double precision NOT NULL,
        duration varchar(64),
        shared boolean NOT NULL DEFAULT false,
        warn_at double precision,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE quota_state (
        bucket_key varchar(200) NOT NULL,
        quota_name varchar(63) NOT NULL,
        limit_type varchar(16) NOT NULL,
        current_usage double precision NOT NULL,
        window_start timestamptz,
        last_updated timestamptz NOT NULL,
        version bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (bucket_key, quota_name)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE quota_state`);
    await queryRunner.query(`DROP TABLE user_quota_definitions`);
  }
}
