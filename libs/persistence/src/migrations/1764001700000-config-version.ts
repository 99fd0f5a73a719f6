import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The configuration's version: every published change takes the next value, so a replica
 * that missed a change notification sees the number move and reloads.
 */
export class ConfigVersion1764001700000 implements MigrationInterface {
  name = 'ConfigVersion1764001700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE SEQUENCE config_version`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP SEQUENCE config_version`);
  }
}
