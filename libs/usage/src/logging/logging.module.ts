import { Global, Module, type DynamicModule } from '@nestjs/common';
import { LogJournal } from './log-journal';

/** Makes the process's LogJournal (created before the app, with its logger) injectable. */
@Global()
@Module({})
export class LoggingModule {
  static forRoot(journal: LogJournal): DynamicModule {
    return { module: LoggingModule, providers: [{ provide: LogJournal, useValue: journal }], exports: [LogJournal] };
  }
}
