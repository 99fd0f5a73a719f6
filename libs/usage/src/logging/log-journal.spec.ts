import { LogJournal, runtimeLevelOf } from './log-journal';

const entry = (message: string) => ({ level: 'info' as const, message, timestamp: '2026-01-01T00:00:00.000Z' });

describe('LogJournal', () => {
  it('keeps the newest entries in a ring, newest first, with paging', () => {
    const journal = new LogJournal({ level: 'info', capacity: 3 });
    for (const message of ['a', 'b', 'c', 'd', 'e']) journal.record(entry(message));
    expect(journal.recent(10, 0)).toEqual({ data: [entry('e'), entry('d'), entry('c')], total: 3 });
    expect(journal.recent(1, 1).data).toEqual([entry('d')]);
    expect(journal.recent(5, 7).data).toEqual([]);
  });

  it('changes the level at run time and tells its listeners the Nest levels', () => {
    const journal = new LogJournal({ level: 'warn' });
    const heard: string[][] = [];
    journal.onLevelChange((levels) => heard.push(levels));
    journal.setLevel('debug');
    expect(journal.level).toBe('debug');
    expect(journal.startupLevel).toBe('warn');
    expect(heard).toEqual([['fatal', 'error', 'warn', 'log', 'debug']]);
  });

  it('filters the console by module; an empty filter prints all', () => {
    const journal = LogJournal.fromEnvironment({ LOG_LEVEL: 'trace', LOG_MODULES: 'Router, DebugTraces' });
    expect(journal.level).toBe('silly');
    expect(journal.modules).toEqual(['Router', 'DebugTraces']);
    expect(journal.printsModule('Router')).toBe(true);
    expect(journal.printsModule('Other')).toBe(false);
    journal.setModules([]);
    expect(journal.printsModule('Other')).toBe(true);
  });

  it('maps LOG_LEVEL names onto the runtime ones', () => {
    expect(runtimeLevelOf('fatal')).toBe('error');
    expect(runtimeLevelOf('info')).toBe('info');
    expect(runtimeLevelOf('trace')).toBe('silly');
  });
});
