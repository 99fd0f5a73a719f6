import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The MCP gateway: upstream keys per MCP server and one usage row per proxied MCP request. */
export class McpGateway1764001500000 implements MigrationInterface {
  name = 'McpGateway1764001500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE mcp_server_keys (
      id serial PRIMARY KEY,
      server_name varchar(64) NOT NULL,
      key text NOT NULL,
      is_active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await queryRunner.query(`CREATE INDEX idx_mcp_server_keys_server ON mcp_server_keys (server_name)`);
    await queryRunner.query(`CREATE TABLE mcp_request_usage (
      request_id varchar(64) PRIMARY KEY,
      created_at timestamptz NOT NULL DEFAULT now(),
      start_time bigint NOT NULL,
      duration_ms integer NOT NULL,
      server_name varchar(64) NOT NULL,
      upstream_url varchar(2048),
      method varchar(10) NOT NULL,
      jsonrpc_method varchar(200),
      tool_name varchar(200),
      api_key varchar(200),
      attribution varchar(200),
      source_ip varchar(64),
      response_status integer NOT NULL,
      is_streamed boolean NOT NULL DEFAULT false,
      error_code varchar(64),
      error_message text
    )`);
    await queryRunner.query(`CREATE INDEX idx_mcp_request_usage_created ON mcp_request_usage (created_at)`);
    await queryRunner.query(`CREATE INDEX idx_mcp_request_usage_server ON mcp_request_usage (server_name, created_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE mcp_request_usage`);
    await queryRunner.query(`DROP TABLE mcp_server_keys`);
  }
}
