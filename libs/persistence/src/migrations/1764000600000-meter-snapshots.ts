import type { MigrationInterface, QueryRunner } from 'typeorm';

export class MeterSnapshots1764000600000 implements MigrationInterface {
  name = 'MeterSnapshots1764000600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE meter_snapshots (
        id serial PRIMARY KEY,
        checker_id varchar(200) NOT NULL,
        checker_type varchar(64) NOT NULL,
        provider varchar(200) NOT NULL,
        meter_key varchar(200) NOT NULL,
        kind varchar(16) NOT NULL,
        unit varchar(32) NOT NULL,
        label varchar(300) NOT NULL,
        "group" varchar(200),
        scope varchar(200),
        "limit" double precision,
        used double precision,
        remaining double precision,
        utilization_state varchar(16) NOT NULL,
        utilization_percent double precision,
        status varchar(16) NOT NULL,
        period_value integer,
        period_unit varchar(16),
        period_cycle varchar(16),
        resets_at timestamptz,
        success boolean NOT NULL,
        error_message text,
        checked_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // One reading of a meter per check: what makes copying legacy rows in idempotent.
    await queryRunner.query(
      `CREATE UNIQUE INDEX meter_snapshots_reading ON meter_snapshots (checker_id, meter_key, checked_at)`,
    );
    await queryRunner.query(`CREATE INDEX meter_snapshots_checker_checked ON meter_snapshots (checker_id, checked_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE meter_snapshots`);
  }
}
