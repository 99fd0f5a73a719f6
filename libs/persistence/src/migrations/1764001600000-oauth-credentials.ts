import type { MigrationInterface, QueryRunner } from 'typeorm';

/** OAuth accounts of subscription providers, with their tokens (encrypted by the application). */
export class OAuthCredentials1764001600000 implements MigrationInterface {
  name = 'OAuthCredentials1764001600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE oauth_credentials (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        provider_id varchar(100) NOT NULL,
        account_id varchar(200) NOT NULL,
        access_token text NOT NULL,
        refresh_token text NOT NULL,
        extra text NOT NULL,
        expires_at timestamptz,
        status varchar(20) NOT NULL DEFAULT 'ready',
        last_refresh_at timestamptz,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX uq_oauth_credentials_account ON oauth_credentials (provider_id, account_id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE oauth_credentials`);
  }
}
