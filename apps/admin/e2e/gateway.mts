import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
/** PLEXUS_GATEWAY_MAIN selects another gateway build (parallel work builds into .build/<name>). */
export const GATEWAY_MAIN =
  process.env['PLEXUS_GATEWAY_MAIN'] ?? join(ROOT, 'dist', 'apps', 'gateway', 'apps', 'gateway', 'src', 'main.js');
/** Where that gateway serves the console from (its app factory's default: four levels up, then admin/browser). */
export const ADMIN_INDEX = join(dirname(GATEWAY_MAIN), '..', '..', '..', '..', 'admin', 'browser', 'index.html');

export interface RunningGateway {
  readonly url: string;
  output(): string;
  stop(): Promise<void>;
}

/** The built gateway (serving the built console) on a free loopback port, with its own data directory. */
export async function startGateway(
  adminKey: string,
  extraEnv: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<RunningGateway> {
  for (const file of [GATEWAY_MAIN, ADMIN_INDEX]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build first`);
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'plexus-admin-e2e-'));
  const child: ChildProcess = spawn(process.execPath, [GATEWAY_MAIN], {
    env: {
      PATH: process.env['PATH'] ?? '',
      ADMIN_KEY: adminKey,
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`gateway did not start in ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const onData = (data: Buffer): void => {
      output += data.toString();
      const match = /listening on (http:\/\/[^\s]+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((done) => child.once('exit', () => done()));
        const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.kill('SIGTERM');
        await exited;
        clearTimeout(kill);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
