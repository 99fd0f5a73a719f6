import type { EmbeddedPostgres } from './embedded-postgres';

export interface DatabaseParams {
  /** A PostgreSQL server; without one, the embedded database under `dataDir`. */
  databaseUrl?: string;
  /** Undefined with no databaseUrl: a throwaway embedded database (tests). */
  dataDir?: string;
}

/** Where the database is: the configured server, or the embedded one started for us. */
export class DatabaseEndpoint {
  private constructor(
    readonly url: string,
    readonly poolSize: number,
    readonly embedded: EmbeddedPostgres | null,
  ) {}

  static async resolve(params: DatabaseParams): Promise<DatabaseEndpoint> {
    if (params.databaseUrl) return new DatabaseEndpoint(params.databaseUrl, 10, null);
    const { EmbeddedPostgres } = await import('./embedded-postgres.js');
    const embedded = await EmbeddedPostgres.start(params.dataDir);
    return new DatabaseEndpoint(embedded.url, 10, embedded);
  }
}
