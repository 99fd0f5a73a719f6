import type { LogLevel as NestLogLevel } from '@nestjs/common';
import { Subject, type Observable } from 'rxjs';

/** The reference's runtime levels (winston's), least verbose first. */
export const RUNTIME_LOG_LEVELS = ['error', 'warn', 'info', 'debug', 'verbose', 'silly'] as const;
export type RuntimeLogLevel = (typeof RUNTIME_LOG_LEVELS)[number];

export interface LogEntry {
  level: RuntimeLogLevel;
  message: string;
  timestamp: string;
  context?: string;
}

const NEST_LEVELS: Record<RuntimeLogLevel, NestLogLevel[]> = {
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  info: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  verbose: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
  silly: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

/** LOG_LEVEL's names (fatal … trace) in the runtime's. */
export function runtimeLevelOf(level: string): RuntimeLogLevel {
  if (level === 'fatal') return 'error';
  if (level === 'trace') return 'silly';
  return (RUNTIME_LOG_LEVELS as readonly string[]).includes(level) ? (level as RuntimeLogLevel) : 'info';
}

export function runtimeLevelOfNest(level: NestLogLevel): RuntimeLogLevel {
  switch (level) {
    case 'fatal':
    case 'error':
      return 'error';
    case 'warn':
      return 'warn';
    case 'log':
      return 'info';
    case 'debug':
      return 'debug';
    case 'verbose':
      return 'verbose';
  }
}

export interface LogJournalOptions {
  level: RuntimeLogLevel;
  modules?: string[];
  capacity?: number;
}

const DEFAULT_CAPACITY = 1000;

/**
 * The process's logging state: the runtime level (changeable without a restart), the
 * console's module filter, a ring buffer of recent entries and a live feed of new ones.
 */
export class LogJournal {
  readonly startupLevel: RuntimeLogLevel;
  private currentLevel: RuntimeLogLevel;
  private moduleFilter: Set<string>;
  private readonly capacity: number;
  private readonly ring: LogEntry[] = [];
  private next = 0;
  private readonly feed = new Subject<LogEntry>();
  private readonly levelListeners: Array<(levels: NestLogLevel[]) => void> = [];

  readonly entries$: Observable<LogEntry> = this.feed.asObservable();

  constructor(options: LogJournalOptions) {
    this.startupLevel = options.level;
    this.currentLevel = options.level;
    this.moduleFilter = new Set(options.modules ?? []);
    this.capacity = options.capacity ?? DEFAULT_CAPACITY;
  }

  static fromEnvironment(env: { LOG_LEVEL: string; LOG_MODULES?: string }): LogJournal {
    const modules = (env.LOG_MODULES ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name.length > 0);
    return new LogJournal({ level: runtimeLevelOf(env.LOG_LEVEL), modules });
  }

  get level(): RuntimeLogLevel {
    return this.currentLevel;
  }

  get nestLevels(): NestLogLevel[] {
    return NEST_LEVELS[this.currentLevel];
  }

  setLevel(level: RuntimeLogLevel): void {
    this.currentLevel = level;
    for (const listener of this.levelListeners) listener(this.nestLevels);
  }

  onLevelChange(listener: (levels: NestLogLevel[]) => void): void {
    this.levelListeners.push(listener);
  }

  get modules(): string[] {
    return [...this.moduleFilter];
  }

  setModules(modules: string[]): void {
    this.moduleFilter = new Set(modules);
  }

  /** Whether the console prints this context (an empty filter prints all). */
  printsModule(context: string | undefined): boolean {
    return this.moduleFilter.size === 0 || (context !== undefined && this.moduleFilter.has(context));
  }

  record(entry: LogEntry): void {
    if (this.ring.length < this.capacity) this.ring.push(entry);
    else this.ring[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
    if (this.feed.observed) this.feed.next(entry);
  }

  /** Newest first. */
  recent(limit: number, offset: number): { data: LogEntry[]; total: number } {
    const total = this.ring.length;
    const data: LogEntry[] = [];
    for (let index = offset; index < Math.min(total, offset + limit); index++) {
      data.push(this.ring[(this.next - 1 - index + total * 2) % total]);
    }
    return { data, total };
  }
}
