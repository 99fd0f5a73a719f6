import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { ModelPricing } from '@plexus/core';
import { Environment } from '@plexus/config';
import { CatalogIndex } from './catalog-index';
import { parseModelsDev, parseOpenRouter, type CatalogModel, type CatalogSource } from './catalog-model';
import snapshot from './models-dev.snapshot.json';

const REFRESH_INTERVAL_MINUTES = 60;
const FETCH_TIMEOUT_MS = 15_000;

type LoadedSource = Exclude<CatalogSource, 'catwalk'>;

export interface CatalogSourceStatus {
  source: CatalogSource;
  initialized: boolean;
  count: number;
  error?: string;
}

export interface CatalogRefreshResult {
  success: boolean;
  message: string;
  trigger: 'startup' | 'scheduled' | 'manual';
  refreshedAt: string;
  durationMs: number;
  intervalMinutes: number;
  hadErrors: boolean;
  sources: { openrouter: CatalogSourceStatus; modelsDev: CatalogSourceStatus; catwalk: CatalogSourceStatus };
}

/**
 * Default prices and context windows of well-known models, for provider models that
 * configure none. It starts from the models.dev snapshot shipped in the repository
 * (`models-dev.snapshot.json`), so it works offline and tests are deterministic, and is
 * refreshed from models.dev and OpenRouter at start and hourly when
 * MODEL_CATALOG_REFRESH allows; a failed refresh keeps what was loaded and is logged.
 */
@Injectable()
export class ModelCatalog implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ModelCatalog.name);
  private readonly indexes: Record<LoadedSource, CatalogIndex | null> = { 'models.dev': null, openrouter: null };
  private readonly errors: Partial<Record<LoadedSource, string>> = {};
  private timer: NodeJS.Timeout | null = null;
  private readonly shutdown = new AbortController();

  constructor(private readonly env: Environment) {
    this.indexes['models.dev'] = new CatalogIndex(parseModelsDev(snapshot));
  }

  onModuleInit(): void {
    if (!this.env.MODEL_CATALOG_REFRESH) return;
    void this.refresh('startup');
    this.timer = setInterval(() => void this.refresh('scheduled'), REFRESH_INTERVAL_MINUTES * 60_000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.shutdown.abort();
  }

  /** The catalog entry for a provider model: models.dev first (OpenRouter first for an OpenRouter provider). */
  lookup(model: string, provider?: string): CatalogModel | null {
    const order: LoadedSource[] =
      provider?.toLowerCase() === 'openrouter' ? ['openrouter', 'models.dev'] : ['models.dev', 'openrouter'];
    for (const source of order) {
      const found = this.indexes[source]?.find(model, provider);
      if (found) return found;
    }
    return null;
  }

  defaultPricing(model: string, provider?: string): ModelPricing | null {
    return this.lookup(model, provider)?.pricing ?? null;
  }

  contextWindow(model: string, provider?: string): number | null {
    return this.lookup(model, provider)?.contextLength ?? null;
  }

  /** A loaded source's index; null for a source that is not loaded (catwalk always). */
  source(source: CatalogSource): CatalogIndex | null {
    return source === 'catwalk' ? null : this.indexes[source];
  }

  async refresh(trigger: CatalogRefreshResult['trigger']): Promise<CatalogRefreshResult> {
    const started = performance.now();
    await Promise.all([
      this.load('models.dev', this.env.MODEL_CATALOG_MODELS_DEV_URL, parseModelsDev),
      this.load('openrouter', this.env.MODEL_CATALOG_OPENROUTER_URL, parseOpenRouter),
    ]);
    const hadErrors = this.errors['models.dev'] !== undefined || this.errors.openrouter !== undefined;
    return {
      success: !hadErrors,
      message: hadErrors
        ? 'Model metadata refreshed with errors; sources that failed keep their previous data'
        : 'Model metadata refreshed',
      trigger,
      refreshedAt: new Date().toISOString(),
      durationMs: Math.round(performance.now() - started),
      intervalMinutes: REFRESH_INTERVAL_MINUTES,
      hadErrors,
      sources: {
        openrouter: this.status('openrouter'),
        modelsDev: this.status('models.dev'),
        catwalk: this.status('catwalk'),
      },
    };
  }

  status(source: CatalogSource): CatalogSourceStatus {
    const index = this.source(source);
    const error = source === 'catwalk' ? undefined : this.errors[source];
    return { source, initialized: index !== null, count: index?.size ?? 0, ...(error !== undefined && { error }) };
  }

  private async load(source: LoadedSource, url: string, parse: (json: unknown) => CatalogModel[]): Promise<void> {
    try {
      const response = await fetch(url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.any([AbortSignal.timeout(FETCH_TIMEOUT_MS), this.shutdown.signal]),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const models = parse(await response.json());
      if (models.length === 0) throw new Error('the catalog lists no models');
      this.indexes[source] = new CatalogIndex(models);
      delete this.errors[source];
      this.logger.log(`${source} catalog refreshed: ${models.length} models`);
    } catch (error) {
      const reason =
        (error as Error).cause instanceof Error
          ? `${(error as Error).message}: ${((error as Error).cause as Error).message}`
          : (error as Error).message;
      this.errors[source] = reason;
      this.logger.warn(
        `${source} catalog refresh from ${url} failed (${reason}); keeping the ${this.indexes[source] ? 'loaded' : 'empty'} catalog`,
      );
    }
  }
}
