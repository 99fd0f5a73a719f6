import { DatabaseEndpoint } from '@plexus/persistence';
import { Client } from 'pg';

/**
 * Runs one query on a stopped gateway's embedded database: its server is started on the
 * DATA_DIR for the query and stopped again, as the CLI commands do.
 */
export async function queryEmbeddedDatabase<Row extends object>(dataDir: string, sql: string): Promise<Row[]> {
  const endpoint = await DatabaseEndpoint.resolve({ dataDir });
  const client = new Client({ connectionString: endpoint.url });
  try {
    await client.connect();
    return (await client.query<Row>(sql)).rows;
  } finally {
    await client.end();
    await endpoint.embedded?.stop();
  }
}
