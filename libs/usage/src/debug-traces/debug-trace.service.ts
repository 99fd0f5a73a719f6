import { Injectable, Logger, Optional, type OnModuleInit } from '@nestjs/common';
import { Environment } from '@plexus/config';
import { ConfigChangeBus, DebugLogRepository, SystemSettingsRepository } from '@plexus/persistence';
import { RequestTrace, type RequestTraceParams, type TraceOutcome } from './request-trace';

/** The `system_settings` key of the capture-on-error switch (the reference's name). */
export const CAPTURE_ON_ERROR_SETTING = 'debug.captureOnError';

/** Runtime-only capture targets, as `GET/PATCH /v0/management/debug` show them. */
export interface DebugTargets {
  enabledGlobal: boolean;
  keys: string[];
  aliases: string[];
  providers: string[];
}

const PRUNE_INTERVAL_MS = 1000;

/**
 * Decides which requests are traced and stores their traces. Capture is inclusive: global,
 * the key, the alias or any tried provider matching is enough; with capture-on-error every
 * request is traced and only failed ones are kept. When nothing is targeted, `begin` is one
 * boolean check.
 */
@Injectable()
export class DebugTraceService implements OnModuleInit {
  private readonly logger = new Logger('DebugTraces');
  private enabledGlobal: boolean;
  private keys = new Set<string>();
  private aliases = new Set<string>();
  private providers = new Set<string>();
  private captureOnErrorEnabled = false;
  private active = false;
  private pruneTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly env: Environment,
    private readonly repository: DebugLogRepository,
    private readonly settings: SystemSettingsRepository,
    @Optional() private readonly bus?: ConfigChangeBus,
  ) {
    this.enabledGlobal = env.DEBUG;
    this.refreshActive();
  }

  async onModuleInit(): Promise<void> {
    await this.loadCaptureOnError();
    this.bus?.subscribe(DebugTraceService.name, ['settings'], () => this.loadCaptureOnError());
  }

  private async loadCaptureOnError(): Promise<void> {
    this.captureOnErrorEnabled = (await this.settings.get(CAPTURE_ON_ERROR_SETTING)) === true;
    this.refreshActive();
  }

  targets(): DebugTargets {
    return {
      enabledGlobal: this.enabledGlobal,
      keys: [...this.keys],
      aliases: [...this.aliases],
      providers: [...this.providers],
    };
  }

  /** Replaces the given dimensions; `null` or `[]` clears one. */
  update(changes: {
    enabled?: boolean;
    keys?: string[] | null;
    aliases?: string[] | null;
    providers?: string[] | null;
  }): DebugTargets {
    if (changes.enabled !== undefined) this.enabledGlobal = changes.enabled;
    if (changes.keys !== undefined) this.keys = new Set(changes.keys ?? []);
    if (changes.aliases !== undefined) this.aliases = new Set(changes.aliases ?? []);
    if (changes.providers !== undefined) this.providers = new Set(changes.providers ?? []);
    this.refreshActive();
    return this.targets();
  }

  keyEnabled(keyName: string): boolean {
    return this.keys.has(keyName);
  }

  setKey(keyName: string, enabled: boolean): void {
    if (enabled) this.keys.add(keyName);
    else this.keys.delete(keyName);
    this.refreshActive();
  }

  get captureOnError(): boolean {
    return this.captureOnErrorEnabled;
  }

  async setCaptureOnError(enabled: boolean): Promise<boolean> {
    await this.settings.set(CAPTURE_ON_ERROR_SETTING, enabled);
    this.captureOnErrorEnabled = enabled;
    this.refreshActive();
    await this.bus?.publish('settings');
    return enabled;
  }

  /** Whether any request could be traced now. */
  get armed(): boolean {
    return this.active;
  }

  /**
   * A trace for this request when any target could match it, or null (the normal path).
   * `providers` are the ones routing may try.
   */
  begin(params: Omit<RequestTraceParams, 'maxBodyChars'> & { providers: string[] }): RequestTrace | null {
    if (!this.active) return null;
    const wanted =
      this.captureOnErrorEnabled ||
      this.enabledGlobal ||
      (params.keyName !== null && this.keys.has(params.keyName)) ||
      this.aliases.has(params.alias) ||
      params.providers.some((provider) => this.providers.has(provider));
    if (!wanted) return null;
    return new RequestTrace({ ...params, maxBodyChars: this.env.DEBUG_TRACE_MAX_BODY_CHARS });
  }

  /** Stores the trace if it is still wanted now the request is over; never on the request's path. */
  finish(trace: RequestTrace, outcome: TraceOutcome): void {
    if (!this.shouldKeep(trace, outcome)) return;
    // After the reply writer has written the answer's last frames, which follow the pipeline's end.
    setImmediate(() => void this.store(trace, outcome));
  }

  private shouldKeep(trace: RequestTrace, outcome: TraceOutcome): boolean {
    if (this.enabledGlobal) return true;
    if (trace.keyName !== null && this.keys.has(trace.keyName)) return true;
    if (this.aliases.has(trace.alias)) return true;
    if (trace.providers.some((provider) => this.providers.has(provider))) return true;
    return this.captureOnErrorEnabled && outcome.status !== 'success';
  }

  private async store(trace: RequestTrace, outcome: TraceOutcome): Promise<void> {
    try {
      const document = trace.document(outcome);
      await this.repository.insert({
        requestId: trace.requestId,
        apiKey: trace.keyName,
        alias: trace.alias,
        provider: typeof document['provider'] === 'string' ? document['provider'] : null,
        trace: document,
      });
      this.schedulePrune();
    } catch (error) {
      this.logger.warn(`could not store the debug trace of ${trace.requestId}: ${(error as Error).message}`);
    }
  }

  /** At most one prune per interval, however many traces arrive. */
  private schedulePrune(): void {
    if (this.pruneTimer) return;
    this.pruneTimer = setTimeout(() => {
      this.pruneTimer = null;
      this.repository.pruneTo(this.env.DEBUG_TRACE_LIMIT).catch((error: unknown) => {
        this.logger.warn(`could not prune debug traces: ${(error as Error).message}`);
      });
    }, PRUNE_INTERVAL_MS);
    this.pruneTimer.unref();
  }

  private refreshActive(): void {
    this.active =
      this.captureOnErrorEnabled ||
      this.enabledGlobal ||
      this.keys.size > 0 ||
      this.aliases.size > 0 ||
      this.providers.size > 0;
  }
}
