import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** PLEXUS_GATEWAY_MAIN lets parallel work test its own build (e.g. one compiled with `tsc --outDir .build/x`). */
export const GATEWAY_MAIN =
  process.env['PLEXUS_GATEWAY_MAIN'] ??
  join(__dirname, '..', '..', '..', 'dist', 'apps', 'gateway', 'apps', 'gateway', 'src', 'main.js');

export interface GatewayProcess {
  url: string;
  /** The gateway's process id (its embedded database server is a child of it). */
  pid: number;
  /** Sends a signal without waiting for anything. */
  signal(signal: NodeJS.Signals): void;
  output(): string;
  /** SIGTERM, then the exit code once the process has shut down (0 for a clean shutdown). */
  stop(): Promise<number | null>;
  /** The exit code once the process ends by itself (null when a signal ended it). */
  exited(): Promise<number | null>;
}

/** Runs the built gateway as its own process on a random port, as a user would. */
export async function startGateway(env: Record<string, string>, timeoutMs = 45_000): Promise<GatewayProcess> {
  if (!existsSync(GATEWAY_MAIN)) throw new Error(`${GATEWAY_MAIN} is missing: run npm run build first`);
  const child = spawn(process.execPath, [GATEWAY_MAIN], {
    // Tests never reach the live model catalog: prices must come from the shipped snapshot.
    env: {
      PATH: process.env['PATH'] ?? '',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      MODEL_CATALOG_REFRESH: 'false',
      // No load balancer to wait for: a test's SIGTERM closes the listener at once.
      SHUTDOWN_DELAY_SECONDS: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`gateway did not start in ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const onData = (data: Buffer): void => {
      output += data.toString();
      const match = /listening on (http:\/\/[^\s]+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
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
    pid: child.pid!,
    signal: (signal) => void child.kill(signal),
    output: () => output,
    stop: () => stopChild(child),
    exited: () =>
      child.exitCode !== null || child.signalCode !== null
        ? Promise.resolve(child.exitCode)
        : new Promise((resolve) => child.once('exit', (code) => resolve(code))),
  };
}

function stopChild(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  if (child.signalCode !== null) return Promise.resolve(null);
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', (code, signal) => {
      clearTimeout(kill);
      resolve(code ?? (signal === 'SIGTERM' ? 0 : null));
    });
    child.kill('SIGTERM');
  });
}
