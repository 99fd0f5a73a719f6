import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AuditLog1764000850000 implements MigrationInterface {
  name = 'AuditLog1764000850000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        actor varchar(320) NOT NULL,
        actor_kind varchar(16) NOT NULL,
        method varchar(10) NOT NULL,
        path varchar(2048) NOT NULL,
        target varchar(512),
        status integer NOT NULL,
        request_id varchar(64),
        source_ip varchar(64)
      )`);
    await queryRunner.query(`CREATE INDEX audit_log_occurred_at ON audit_log (occurred_at DESC, id DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE audit_log`);
  }
}
