import type { Environment } from '@plexus/config';
import type { DebugLogRepository, SystemSettingsRepository } from '@plexus/persistence';
import { DebugTraceService } from './debug-trace.service';

function service(env: Partial<Environment> = {}): {
  traces: DebugTraceService;
  inserted: unknown[];
  settings: Map<string, unknown>;
} {
  const inserted: unknown[] = [];
  const settings = new Map<string, unknown>();
  const repository = {
    insert: (record: unknown) => Promise.resolve(void inserted.push(record)),
    pruneTo: () => Promise.resolve(0),
  };
  const settingsRepository = {
    get: (key: string) => Promise.resolve(settings.get(key)),
    set: (key: string, value: unknown) => Promise.resolve(void settings.set(key, value)),
  };
  const traces = new DebugTraceService(
    { DEBUG: false, DEBUG_TRACE_LIMIT: 10, DEBUG_TRACE_MAX_BODY_CHARS: 4096, ...env } as Environment,
    repository as unknown as DebugLogRepository,
    settingsRepository as unknown as SystemSettingsRepository,
  );
  return { traces, inserted, settings };
}

const request = (overrides: { keyName?: string; alias?: string; providers?: string[] } = {}) => ({
  requestId: '00000000-0000-4000-8000-000000000002',
  keyName: overrides.keyName ?? 'client',
  alias: overrides.alias ?? 'smart',
  format: 'chat',
  clientHeaders: {},
  clientBody: {},
  providers: overrides.providers ?? ['openai'],
});

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('DebugTraceService', () => {
  it('traces nothing while no target is set', () => {
    const { traces } = service();
    expect(traces.armed).toBe(false);
    expect(traces.begin(request())).toBeNull();
  });

  it('matches inclusively: global, key, alias or any routed provider', () => {
    const { traces } = service();
    traces.update({ keys: ['client'] });
    expect(traces.begin(request())).not.toBeNull();
    expect(traces.begin(request({ keyName: 'other' }))).toBeNull();
    traces.update({ keys: null, aliases: ['smart'] });
    expect(traces.begin(request({ keyName: 'other' }))).not.toBeNull();
    traces.update({ aliases: [], providers: ['anthropic'] });
    expect(traces.begin(request({ providers: ['openai', 'anthropic'] }))).not.toBeNull();
    expect(traces.begin(request())).toBeNull();
    traces.update({ providers: null, enabled: true });
    expect(traces.begin(request({ keyName: 'x', alias: 'y', providers: [] }))).not.toBeNull();
  });

  it('turns global capture on at boot with DEBUG=true', () => {
    expect(service({ DEBUG: true }).traces.begin(request())).not.toBeNull();
  });

  it('stores a targeted trace after the request ends', async () => {
    const { traces, inserted } = service();
    traces.setKey('client', true);
    const trace = traces.begin(request());
    traces.finish(trace!, { status: 'success', httpStatus: 200, error: null });
    await flush();
    expect(inserted).toMatchObject([
      { requestId: '00000000-0000-4000-8000-000000000002', apiKey: 'client', alias: 'smart' },
    ]);
  });

  it('with capture-on-error traces every request and keeps only the failed ones', async () => {
    const { traces, inserted, settings } = service();
    await traces.setCaptureOnError(true);
    expect(settings.get('debug.captureOnError')).toBe(true);
    const ok = traces.begin(request());
    const failed = traces.begin(request());
    traces.finish(ok!, { status: 'success', httpStatus: 200, error: null });
    traces.finish(failed!, { status: 'error', httpStatus: 502, error: 'boom' });
    await flush();
    expect(inserted).toHaveLength(1);
    expect((inserted[0] as { trace: { error: string } }).trace.error).toBe('boom');
  });

  it('reads capture-on-error from the stored settings at start', async () => {
    const { traces, settings } = service();
    settings.set('debug.captureOnError', true);
    await traces.onModuleInit();
    expect(traces.captureOnError).toBe(true);
    expect(traces.armed).toBe(true);
  });
});
