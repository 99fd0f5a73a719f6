import { ConsoleLogger, type LogLevel as NestLogLevel } from '@nestjs/common';
import { inspect } from 'node:util';
import { maskLogText } from './log-masking';
import { runtimeLevelOfNest, type LogJournal } from './log-journal';

/**
 * Nest's console logger with the journal's runtime level, its module filter on the
 * console, every printed entry kept in the ring buffer and feed, and secrets masked.
 */
export class PlexusLogger extends ConsoleLogger {
  constructor(private readonly journal: LogJournal) {
    super({ logLevels: journal.nestLevels });
    journal.onLevelChange((levels) => this.setLogLevels(levels));
  }

  protected override printMessages(
    messages: unknown[],
    context = '',
    logLevel: NestLogLevel = 'log',
    writeStreamType?: 'stdout' | 'stderr',
    errorStack?: unknown,
    params?: Record<string, unknown>,
  ): void {
    const masked = messages.map((message) =>
      maskLogText(typeof message === 'string' ? message : inspect(message, { depth: 4 })),
    );
    const timestamp = new Date().toISOString();
    for (const message of masked) {
      this.journal.record({ level: runtimeLevelOfNest(logLevel), message, timestamp, ...(context && { context }) });
    }
    if (!this.journal.printsModule(context || undefined)) return;
    super.printMessages(masked, context, logLevel, writeStreamType, errorStack, params);
  }
}
