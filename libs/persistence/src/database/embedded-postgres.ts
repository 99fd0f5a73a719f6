import { spawn, type ChildProcess } from 'node:child_process';
import { chown, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import {
  clusterPassword,
  freeLoopbackPort,
  postgresBinaries,
  prepareClusterDirectory,
  serverIdentity,
  stopOrphanedServer,
  type ServerIdentity,
} from './postgres-cluster-files';
import { migrateLegacyPglite } from './pglite-migration';

/**
 * Sized for a pod: the cluster holds configuration and usage rows, so a small buffer
 * cache does; connections are the gateway's pool (10) plus a CLI command or two.
 */
const SERVER_SETTINGS: Record<string, string> = {
  listen_addresses: '127.0.0.1',
  unix_socket_directories: '',
  shared_buffers: '16MB',
  max_connections: '24',
  work_mem: '4MB',
  maintenance_work_mem: '16MB',
  io_method: 'sync',
  max_wal_size: '256MB',
  min_wal_size: '32MB',
  lc_messages: 'C',
};

const READY_LINE = 'database system is ready to accept connections';
const RESTART_DELAYS_MS = [250, 500, 1_000, 2_000, 5_000];

/**
 * A PostgreSQL server of the npm registry's packaged binaries, run as a child process
 * with its data under `DATA_DIR/postgres`: the database's memory is the server's, not
 * the gateway's heap, and the gateway reaches it with the same `pg` driver as any
 * server. A server that dies is started again; `available` is false meanwhile.
 */
export class EmbeddedPostgres {
  private readonly logger = new Logger('EmbeddedPostgres');
  private child: ChildProcess | null = null;
  private accepting = false;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | null = null;
  private restarts = 0;
  private readonly onExit = (): void => {
    this.child?.kill('SIGINT');
  };

  private constructor(
    private readonly clusterDir: string,
    private readonly port: number,
    private readonly identity: ServerIdentity | undefined,
    /** Deleted at stop: the in-memory stand-in of tests. */
    private readonly temporaryDir: string | null,
    readonly url: string,
  ) {}

  /** `dataDir` undefined means a throwaway cluster in a temporary directory (tests). */
  static async start(dataDir?: string): Promise<EmbeddedPostgres> {
    const temporaryDir = dataDir ? null : await mkdtemp(join(tmpdir(), 'plexus-postgres-'));
    const root = resolve(dataDir ?? temporaryDir!);
    const clusterDir = join(root, 'postgres');
    const identity = await serverIdentity(root);
    const password = await clusterPassword(join(root, 'postgres.password'));
    const legacyPglite = join(root, 'pglite');
    const marker = join(root, 'postgres.migrating');
    // A copy from PGlite that was cut short starts over on a new cluster.
    if (existsSync(marker)) await rm(clusterDir, { recursive: true, force: true });
    const migrating = existsSync(legacyPglite) && !existsSync(join(clusterDir, 'PG_VERSION'));
    await prepareClusterDirectory(root, clusterDir, identity);
    if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
      if (migrating) await writeFile(marker, '');
      await initialiseCluster(clusterDir, password, identity);
    }
    await stopOrphanedServer(clusterDir);
    const port = await freeLoopbackPort();
    const url = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
    const server = new EmbeddedPostgres(clusterDir, port, identity, temporaryDir, url);
    await server.launch();
    process.once('exit', server.onExit);
    if (migrating) {
      try {
        await migrateLegacyPglite({ pgliteDir: legacyPglite, targetUrl: url, logger: server.logger });
      } catch (error) {
        await server.stop();
        throw error;
      }
      await rm(marker, { force: true });
      await rename(legacyPglite, `${legacyPglite}.migrated`);
    }
    return server;
  }

  /** False from the moment the server died until it accepts connections again. */
  get available(): boolean {
    return this.accepting && !this.stopping;
  }

  /** The server's (postmaster's) process id, while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    process.removeListener('exit', this.onExit);
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((done) => child.once('exit', done));
      // Fast shutdown: open sessions are ended, everything committed is on disk.
      child.kill('SIGINT');
      const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(kill);
    }
    this.child = null;
    if (this.temporaryDir) await rm(this.temporaryDir, { recursive: true, force: true });
  }

  private launch(): Promise<void> {
    const { postgres } = postgresBinaries();
    const settings = Object.entries(SERVER_SETTINGS).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
    const child = spawn(postgres, ['-D', this.clusterDir, '-p', String(this.port), ...settings], {
      ...this.identity,
      // Its own process group: a Ctrl-C meant for the gateway must not stop the database
      // under it; the gateway stops it last, after usage is flushed.
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { PATH: process.env['PATH'] ?? '', LC_ALL: 'C' },
    });
    this.child = child;
    return new Promise((resolveReady, rejectReady) => {
      let output = '';
      let ready = false;
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (text: string) => {
        if (!ready) {
          output = (output + text).slice(-4_000);
          if (output.includes(READY_LINE)) {
            ready = true;
            this.accepting = true;
            this.restarts = 0;
            resolveReady();
          }
          return;
        }
        for (const line of text.split('\n')) if (/(FATAL|PANIC):/.test(line)) this.logger.warn(line.trim());
      });
      child.once('exit', (code, signal) => {
        if (this.child === child) this.child = null;
        this.accepting = false;
        if (!ready) {
          rejectReady(new Error(`PostgreSQL did not start (${signal ?? `exit ${code}`}): ${output.trim()}`));
          return;
        }
        if (this.stopping) return;
        this.logger.error(`PostgreSQL exited (${signal ?? `exit ${code}`}); restarting it`);
        this.scheduleRestart();
      });
    });
  }

  private scheduleRestart(): void {
    const delay = RESTART_DELAYS_MS[Math.min(this.restarts, RESTART_DELAYS_MS.length - 1)];
    this.restarts += 1;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.stopping) return;
      this.launch().then(
        () => this.logger.log('PostgreSQL is back'),
        (error: unknown) => {
          this.logger.error((error as Error).message);
          this.scheduleRestart();
        },
      );
    }, delay);
    this.restartTimer.unref();
  }
}

async function initialiseCluster(
  clusterDir: string,
  password: string,
  identity: ServerIdentity | undefined,
): Promise<void> {
  const { initdb } = postgresBinaries();
  const passwordFile = join(clusterDir, '..', `postgres.initdb-${process.pid}`);
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  if (identity) await chown(passwordFile, identity.uid, identity.gid);
  try {
    await new Promise<void>((done, fail) => {
      const child = spawn(
        initdb,
        [
          '-D',
          clusterDir,
          '-U',
          'postgres',
          '--auth=scram-sha-256',
          `--pwfile=${passwordFile}`,
          '--encoding=UTF8',
          '--locale=C',
          '--no-instructions',
        ],
        { ...identity, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env['PATH'] ?? '', LC_ALL: 'C' } },
      );
      let output = '';
      child.stdout?.on('data', (data: Buffer) => (output += data.toString()));
      child.stderr?.on('data', (data: Buffer) => (output += data.toString()));
      child.once('error', fail);
      child.once('exit', (code) =>
        code === 0 ? done() : fail(new Error(`initdb failed (exit ${code}): ${output.trim().slice(-2_000)}`)),
      );
    });
  } finally {
    await rm(passwordFile, { force: true });
  }
}
