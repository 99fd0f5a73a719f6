import type { MigrationInterface, QueryRunner } from 'typeorm';

const TABLES = ['providers', 'model_aliases', 'api_keys', 'user_quota_definitions'];

/** `managed`: the object comes from the declarative config file (PLEXUS_CONFIG) and only the file may change it. */
export class ManagedConfig1764000800000 implements MigrationInterface {
  name = 'ManagedConfig1764000800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of TABLES)
      await queryRunner.query(`ALTER TABLE ${table} ADD COLUMN managed boolean NOT NULL DEFAULT false`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of TABLES) await queryRunner.query(`ALTER TABLE ${table} DROP COLUMN managed`);
  }
}
