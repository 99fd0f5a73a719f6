import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * PGlite (Postgres in WASM) served on a loopback port, so TypeORM talks to it with its
 * ordinary `pg` driver: one SQL dialect and one migration set for laptop and cluster.
 */
export class EmbeddedPostgres {
  private constructor(
    private readonly db: PGlite,
    private readonly server: PGLiteSocketServer,
    readonly url: string,
  ) {}

  /** `dataDir` undefined means in memory (tests). */
  static async start(dataDir?: string): Promise<EmbeddedPostgres> {
    let db: PGlite;
    if (dataDir) {
      const path = resolve(join(dataDir, 'pglite'));
      await mkdir(path, { recursive: true });
      db = await PGlite.create(path);
    } else {
      db = await PGlite.create();
    }
    // PGlite has one session; several client connections would interleave their transactions.
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 1 });
    await server.start();
    const url = `postgresql://postgres:postgres@${server.getServerConn()}/postgres`;
    return new EmbeddedPostgres(db, server, url);
  }

  async stop(): Promise<void> {
    await this.server.stop();
    await this.db.close();
  }
}
