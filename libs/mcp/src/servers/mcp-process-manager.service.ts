import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import type { McpServerConfig } from './mcp-server-config';

const LOG_LINES = 500;
const READY_TIMEOUT_MS = 20_000;
const BACKOFF_MS = [500, 1_000, 2_000, 5_000, 10_000, 30_000];
/** A process that ran this long without crashing starts over from the shortest backoff. */
const STABLE_MS = 60_000;

export type McpProcessState = 'stopped' | 'starting' | 'running' | 'failed';

export interface McpProcessStatus {
  serverName: string;
  status: McpProcessState;
  pid: number | null;
  url: string | null;
  lastError: string | null;
  startedAt: string | null;
  exitedAt: string | null;
  restarts: number;
}

interface ManagedProcess {
  name: string;
  config: McpServerConfig;
  child: ChildProcess | null;
  state: McpProcessState;
  lines: string[];
  lastError: string | null;
  startedAt: Date | null;
  exitedAt: Date | null;
  restarts: number;
  crashes: number;
  /** Stopped by an admin (or shutdown): an exit is not a crash. */
  wanted: boolean;
  ready: Promise<void> | null;
  retry: NodeJS.Timeout | null;
}

/**
 * The local MCP servers the gateway runs itself (`local_http`): the admin-configured
 * command and arguments, spawned without a shell (nothing of a request ever reaches them),
 * serving Streamable HTTP on a loopback port. Keeps the last 500 output lines, restarts a
 * crashed process with growing backoff, and stops them all at shutdown.
 */
@Injectable()
export class McpProcessManager implements OnApplicationShutdown {
  private readonly logger = new Logger(McpProcessManager.name);
  private readonly processes = new Map<string, ManagedProcess>();

  /** The server's endpoint, starting its process first when it is not running. */
  async endpointOf(name: string, config: McpServerConfig): Promise<string> {
    const managed = await this.start(name, config);
    if (managed.state !== 'running') throw new Error(managed.lastError ?? 'not running');
    return endpointUrl(config);
  }

  async start(name: string, config: McpServerConfig): Promise<ManagedProcess> {
    let managed = this.processes.get(name);
    if (managed && JSON.stringify(managed.config) !== JSON.stringify(config)) {
      await this.stop(name);
      managed = undefined;
    }
    if (!managed) {
      managed = {
        name,
        config,
        child: null,
        state: 'stopped',
        lines: [],
        lastError: null,
        startedAt: null,
        exitedAt: null,
        restarts: 0,
        crashes: 0,
        wanted: true,
        ready: null,
        retry: null,
      };
      this.processes.set(name, managed);
    }
    managed.wanted = true;
    if (managed.state === 'running') return managed;
    if (managed.retry) clearTimeout(managed.retry);
    managed.retry = null;
    managed.ready ??= this.spawn(managed).finally(() => {
      managed.ready = null;
    });
    await managed.ready.catch(() => undefined);
    return managed;
  }

  async stop(name: string): Promise<McpProcessStatus | null> {
    const managed = this.processes.get(name);
    if (!managed) return null;
    managed.wanted = false;
    if (managed.retry) clearTimeout(managed.retry);
    managed.retry = null;
    await terminate(managed.child);
    managed.child = null;
    managed.state = 'stopped';
    return this.statusOf(managed);
  }

  async restart(name: string, config: McpServerConfig): Promise<McpProcessStatus> {
    await this.stop(name);
    return this.statusOf(await this.start(name, config));
  }

  status(name: string, config: McpServerConfig | undefined): McpProcessStatus {
    const managed = this.processes.get(name);
    if (managed) return this.statusOf(managed);
    return {
      serverName: name,
      status: 'stopped',
      pid: null,
      url: config?.mode === 'local_http' ? endpointUrl(config) : null,
      lastError: null,
      startedAt: null,
      exitedAt: null,
      restarts: 0,
    };
  }

  logs(name: string): string[] {
    return [...(this.processes.get(name)?.lines ?? [])];
  }

  /** The server was removed: its process goes too. */
  async forget(name: string): Promise<void> {
    await this.stop(name);
    this.processes.delete(name);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.processes.keys()].map((name) => this.stop(name)));
  }

  private statusOf(managed: ManagedProcess): McpProcessStatus {
    return {
      serverName: managed.name,
      status: managed.state,
      pid: managed.state === 'running' || managed.state === 'starting' ? (managed.child?.pid ?? null) : null,
      url: endpointUrl(managed.config),
      lastError: managed.lastError,
      startedAt: managed.startedAt?.toISOString() ?? null,
      exitedAt: managed.exitedAt?.toISOString() ?? null,
      restarts: managed.restarts,
    };
  }

  private async spawn(managed: ManagedProcess): Promise<void> {
    const { config } = managed;
    managed.state = 'starting';
    managed.lastError = null;
    const child = spawn(config.command!, config.args ?? [], {
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...config.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: false,
    });
    managed.child = child;
    managed.startedAt = new Date();
    const append = (data: Buffer): void => {
      for (const line of data.toString('utf8').split(/\r?\n/)) if (line !== '') managed.lines.push(line);
      if (managed.lines.length > LOG_LINES) managed.lines.splice(0, managed.lines.length - LOG_LINES);
    };
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
    const exited = new Promise<void>((resolve) => {
      child.once('error', (error) => {
        managed.lastError = error.message;
        resolve();
      });
      child.once('exit', (code, signal) => {
        managed.lastError ??= `exited with ${signal ?? code}`;
        resolve();
      });
    });
    void exited.then(() => this.exited(managed, child));
    const ready = await Promise.race([
      waitForPort(config.port!, READY_TIMEOUT_MS).then(() => true),
      exited.then(() => false),
    ]).catch((error: Error) => {
      managed.lastError = error.message;
      return false;
    });
    if (managed.child !== child) return;
    if (ready) {
      managed.state = 'running';
      this.logger.log(`MCP server '${managed.name}' running (pid ${child.pid})`);
      return;
    }
    managed.state = 'failed';
    await terminate(child);
    throw new Error(managed.lastError ?? 'did not start');
  }

  private exited(managed: ManagedProcess, child: ChildProcess): void {
    if (managed.child !== child) return;
    managed.exitedAt = new Date();
    managed.child = null;
    if (!managed.wanted) {
      managed.state = 'stopped';
      return;
    }
    managed.state = 'failed';
    const ranFor = managed.exitedAt.getTime() - (managed.startedAt?.getTime() ?? 0);
    managed.crashes = ranFor > STABLE_MS ? 1 : managed.crashes + 1;
    const delay = BACKOFF_MS[Math.min(managed.crashes - 1, BACKOFF_MS.length - 1)];
    this.logger.warn(`MCP server '${managed.name}' exited (${managed.lastError}); restarting in ${delay} ms`);
    managed.retry = setTimeout(() => {
      managed.retry = null;
      if (!managed.wanted || managed.child) return;
      managed.restarts++;
      managed.ready ??= this.spawn(managed).finally(() => {
        managed.ready = null;
      });
      managed.ready.catch(() => undefined);
    }, delay);
  }
}

function endpointUrl(config: McpServerConfig): string {
  const path = config.path ?? '/mcp';
  return `http://127.0.0.1:${config.port}${path.startsWith('/') ? path : `/${path}`}`;
}

function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`nothing listened on 127.0.0.1:${port} within ${timeoutMs} ms`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

function terminate(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
