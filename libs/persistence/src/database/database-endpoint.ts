import { Environment } from '@plexus/config';
import { EmbeddedPostgres } from './embedded-postgres';

/** Where the database is: the configured server, or the embedded one started for us. */
export class DatabaseEndpoint {
  private constructor(
    readonly url: string,
    readonly poolSize: number,
    readonly embedded: EmbeddedPostgres | null,
  ) {}

  static async resolve(env: Pick<Environment, 'DATABASE_URL' | 'DATA_DIR'>): Promise<DatabaseEndpoint> {
    if (env.DATABASE_URL) return new DatabaseEndpoint(env.DATABASE_URL, 10, null);
    const embedded = await EmbeddedPostgres.start(env.DATA_DIR);
    return new DatabaseEndpoint(embedded.url, 1, embedded);
  }
}
