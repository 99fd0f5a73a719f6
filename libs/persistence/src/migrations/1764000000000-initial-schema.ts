import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE providers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        slug varchar(200) NOT NULL UNIQUE,
        display_name varchar(200),
        api_base_url jsonb NOT NULL,
        api_key text,
        enabled boolean NOT NULL DEFAULT true,
        settings jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE provider_models (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        provider_id uuid NOT NULL REFERENCES providers(id) ON DELETE CASCADE,
        model_name varchar(300) NOT NULL,
        config jsonb NOT NULL DEFAULT '{}'::jsonb,
        sort_order integer NOT NULL DEFAULT 0,
        CONSTRAINT uq_provider_models_provider_model UNIQUE (provider_id, model_name)
      )`);
    await queryRunner.query(`
      CREATE TABLE model_aliases (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        slug varchar(300) NOT NULL UNIQUE,
        alias_type varchar(32) NOT NULL DEFAULT 'text',
        priority varchar(32) NOT NULL DEFAULT 'selector',
        target_groups jsonb NOT NULL,
        additional_aliases jsonb NOT NULL DEFAULT '[]'::jsonb,
        settings jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(200) NOT NULL UNIQUE,
        secret text NOT NULL,
        secret_hash varchar(64) NOT NULL UNIQUE,
        comment text,
        policy jsonb NOT NULL DEFAULT '{}'::jsonb,
        expires_at timestamptz,
        disabled_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE request_usage (
        request_id uuid PRIMARY KEY,
        client_request_id varchar(255),
        start_time timestamptz NOT NULL,
        api_key varchar(200),
        attribution varchar(200),
        source_ip varchar(64),
        incoming_api_type varchar(32) NOT NULL,
        outgoing_api_type varchar(32),
        incoming_model_alias varchar(300),
        provider varchar(200),
        selected_model_name varchar(300),
        is_streamed boolean NOT NULL DEFAULT false,
        is_passthrough boolean NOT NULL DEFAULT false,
        response_status varchar(32) NOT NULL,
        http_status integer,
        tokens_input integer NOT NULL DEFAULT 0,
        tokens_output integer NOT NULL DEFAULT 0,
        tokens_reasoning integer NOT NULL DEFAULT 0,
        tokens_cached integer NOT NULL DEFAULT 0,
        tokens_cache_write integer NOT NULL DEFAULT 0,
        provider_reported_cost double precision,
        duration_ms integer,
        ttft_ms integer,
        tokens_per_sec double precision,
        attempt_count integer NOT NULL DEFAULT 0,
        retry_history jsonb NOT NULL DEFAULT '[]'::jsonb,
        finish_reason varchar(32),
        error_message text,
        client_disconnected boolean NOT NULL DEFAULT false
      )`);
    await queryRunner.query(`CREATE INDEX idx_request_usage_start_time ON request_usage (start_time)`);
    await queryRunner.query(`CREATE INDEX idx_request_usage_api_key_start_time ON request_usage (api_key, start_time)`);
    await queryRunner.query(`CREATE INDEX idx_request_usage_provider ON request_usage (provider)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE request_usage`);
    await queryRunner.query(`DROP TABLE api_keys`);
    await queryRunner.query(`DROP TABLE model_aliases`);
    await queryRunner.query(`DROP TABLE provider_models`);
    await queryRunner.query(`DROP TABLE providers`);
  }
}
