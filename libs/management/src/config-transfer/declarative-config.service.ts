import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { ManagementError } from '../common/management-error';
import { ConfigRuntime } from './config-runtime.service';
import { ConfigTransferService } from './config-transfer.service';
import { DeclarativeConfigError, loadDeclarativeConfig } from './declarative-config.loader';

export const DECLARATIVE_CONFIG_OPTIONS = Symbol('DECLARATIVE_CONFIG_OPTIONS');

export interface DeclarativeConfigOptions {
  /** PLEXUS_CONFIG: the YAML file to apply at boot and on change; absent: no declarative config. */
  configFile?: string;
  /** Quiet time after the last file event before the file is read again. */
  debounceMs?: number;
}

const DEFAULT_DEBOUNCE_MS = 500;

/**
 * Applies the declarative config file at boot (a bad file stops the gateway with the
 * reason) and again whenever it changes (a bad edit is logged and the running
 * configuration stays). The directory is watched, not the file, because Kubernetes
 * updates a mounted ConfigMap by swapping a symlink.
 */
@Injectable()
export class DeclarativeConfigService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('DeclarativeConfig');
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private appliedHash: string | null = null;
  private applying: Promise<void> = Promise.resolve();

  constructor(
    @Inject(DECLARATIVE_CONFIG_OPTIONS) private readonly options: DeclarativeConfigOptions,
    private readonly transfer: ConfigTransferService,
    private readonly runtime: ConfigRuntime,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const file = this.options.configFile;
    if (!file) {
      const released = await this.transfer.releaseManaged();
      if (released > 0)
        this.logger.warn(
          `PLEXUS_CONFIG is not set: ${released} objects from a config file are editable through the API again`,
        );
      return;
    }
    await this.apply(resolve(file));
    this.watcher = watch(dirname(resolve(file)), { persistent: false }, (_event, name) => {
      if (name === null || name === basename(file) || name.startsWith('..')) this.schedule(resolve(file));
    });
  }

  onModuleDestroy(): void {
    this.watcher?.close();
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(file: string): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.applying = this.applying.then(() =>
        this.applyIfChanged(file).catch((error: unknown) =>
          this.logger.error(`config file not applied, the running configuration stays: ${describe(error)}`),
        ),
      );
    }, this.options.debounceMs ?? DEFAULT_DEBOUNCE_MS);
    this.timer.unref();
  }

  private async applyIfChanged(file: string): Promise<void> {
    const hash = await contentHash(file);
    if (hash === this.appliedHash) return;
    await this.apply(file);
  }

  private async apply(file: string): Promise<void> {
    const hash = await contentHash(file).catch(() => null);
    const document = await loadDeclarativeConfig(file, process.env);
    try {
      const counts = await this.transfer.applyManaged(document);
      this.appliedHash = hash;
      await this.runtime.reload();
      this.logger.log(
        `applied ${file}: ${counts.providers} providers, ${counts.model_aliases} aliases, ${counts.api_keys} keys, ${counts.user_quotas} user quotas`,
      );
    } catch (error) {
      throw new DeclarativeConfigError(`PLEXUS_CONFIG ${file} is invalid: ${describe(error)}`);
    }
  }
}

async function contentHash(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}

function describe(error: unknown): string {
  if (error instanceof ManagementError && error.details.length > 0) {
    return error.details.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
  }
  return error instanceof Error ? error.message : String(error);
}
