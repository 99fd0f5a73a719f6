import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { CONFIG_TOPICS, parseConfigChangedEvent, type ConfigChangedEvent, type ConfigTopic } from './config-change';
import type { ConfigChangeTransport } from './config-change-transport';
import { SerialReload } from './serial-reload';

export interface ConfigChangeBusOptions {
  /** How often the stored version is compared with the last one applied here. */
  reconcileMs: number;
}

interface Subscriber {
  name: string;
  topics: ReadonlySet<ConfigTopic>;
  reload: SerialReload;
}

/**
 * The one way configuration reaches the hot path. A writer publishes the topics it changed
 * once its write is committed: this replica reloads them before `publish` returns, and every
 * other replica as soon as the transport delivers the event. Each change also advances the
 * `config_version` sequence; a replica whose transport reconnected, or whose last applied
 * version no longer matches the stored one (a lost message), reloads everything.
 */
export class ConfigChangeBus {
  private readonly logger = new Logger('ConfigChangeBus');
  readonly instanceId = randomUUID();
  private readonly subscribers: Subscriber[] = [];
  /** The highest version known applied with every version before it. */
  private applied = 0;
  private timer: NodeJS.Timeout | null = null;
  private started = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly transport: ConfigChangeTransport,
    private readonly options: ConfigChangeBusOptions,
  ) {}

  /** `reload` runs when any of `topics` changed, here or on another replica. */
  subscribe(name: string, topics: readonly ConfigTopic[], reload: () => Promise<void>): void {
    this.subscribers.push({ name, topics: new Set(topics), reload: new SerialReload(reload) });
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.applied = await this.storedVersion();
    await this.transport.start({
      message: (payload) => this.onMessage(payload),
      connected: () => void this.reconcile('the change transport (re)connected'),
    });
    this.timer = setInterval(() => void this.checkVersion(), this.options.reconcileMs);
    this.timer.unref();
    this.logger.log(`configuration changes travel by ${this.transport.name}`);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.transport.stop();
  }

  /** After a committed write: applies `topics` here, then tells the other replicas. */
  async publish(...topics: ConfigTopic[]): Promise<void> {
    const version = await this.nextVersion();
    if ((await this.apply(topics)) && version === this.applied + 1) this.applied = version;
    const event: ConfigChangedEvent = { type: 'config.changed', topics, version, origin: this.instanceId };
    try {
      await this.transport.publish(JSON.stringify(event));
    } catch (error) {
      // The others see the version move at their next check.
      this.logger.warn(`could not tell the other replicas about a change: ${(error as Error).message}`);
    }
  }

  /** Reloads every view of the configuration (at most once per view when called repeatedly). */
  async reconcile(reason: string): Promise<void> {
    try {
      const version = await this.storedVersion();
      if (!(await this.apply(CONFIG_TOPICS))) return;
      this.applied = Math.max(this.applied, version);
      this.logger.debug(`reloaded the configuration: ${reason}`);
    } catch (error) {
      this.logger.warn(`could not reload the configuration (${reason}): ${(error as Error).message}`);
    }
  }

  private onMessage(payload: string): void {
    const event = parseConfigChangedEvent(payload);
    if (!event || event.origin === this.instanceId) return;
    void this.apply(event.topics).then((complete) => {
      if (complete && event.version === this.applied + 1) this.applied = event.version;
    });
  }

  private async checkVersion(): Promise<void> {
    try {
      const version = await this.storedVersion();
      if (version !== this.applied) await this.reconcile(`version ${version} stored, ${this.applied} applied`);
    } catch (error) {
      this.logger.warn(`could not read the configuration version: ${(error as Error).message}`);
    }
  }

  /** True when every view due to reload did. */
  private async apply(topics: readonly ConfigTopic[]): Promise<boolean> {
    const due = this.subscribers.filter((subscriber) => topics.some((topic) => subscriber.topics.has(topic)));
    const results = await Promise.allSettled(due.map((subscriber) => subscriber.reload.request()));
    results.forEach((result, index) => {
      if (result.status === 'rejected')
        this.logger.warn(`${due[index]?.name} could not reload: ${(result.reason as Error).message}`);
    });
    return results.every((result) => result.status === 'fulfilled');
  }

  private async nextVersion(): Promise<number> {
    const rows = await this.dataSource.query<Array<{ version: string }>>(`SELECT nextval('config_version') AS version`);
    return Number(rows[0]?.version ?? 0);
  }

  private async storedVersion(): Promise<number> {
    const rows = await this.dataSource.query<Array<{ version: string }>>(
      `SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS version FROM config_version`,
    );
    return Number(rows[0]?.version ?? 0);
  }
}
