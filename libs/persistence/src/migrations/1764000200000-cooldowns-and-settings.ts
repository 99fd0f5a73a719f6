import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CooldownsAndSettings1764000200000 implements MigrationInterface {
  name = 'CooldownsAndSettings1764000200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE provider_cooldowns (
        provider varchar(200) NOT NULL,
        model varchar(300) NOT NULL DEFAULT '',
        expires_at timestamptz NOT NULL,
        consecutive_failures integer NOT NULL DEFAULT 1,
        last_error text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (provider, model)
      )`);
    await queryRunner.query(`CREATE INDEX idx_provider_cooldowns_expires_at ON provider_cooldowns (expires_at)`);
    await queryRunner.query(`
      CREATE TABLE system_settings (
        key varchar(200) PRIMARY KEY,
        value jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE system_settings`);
    await queryRunner.query(`DROP TABLE provider_cooldowns`);
  }
}
