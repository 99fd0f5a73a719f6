import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import type { ConfigChangeTransport } from './config-change-transport';

/** NOTIFY payloads are limited to 8000 bytes; change events are a few dozen. */
const CHANNEL = 'plexus_config';
const MAX_RECONNECT_DELAY_MS = 5_000;

/**
 * PostgreSQL LISTEN/NOTIFY: works wherever replicas share a database server, without Redis.
 * Listens on a connection of its own (a pooled one would be handed to queries), reconnecting
 * with a growing delay when it drops; publishes through the pool.
 */
export class PostgresNotifyTransport implements ConfigChangeTransport {
  readonly name = 'PostgreSQL LISTEN/NOTIFY';
  private readonly logger = new Logger('ConfigChangeBus');
  private listener: Client | null = null;
  private stopped = false;
  private attempts = 0;
  private retry: NodeJS.Timeout | null = null;
  private handlers: { message(payload: string): void; connected(): void } | null = null;

  constructor(
    private readonly url: string,
    private readonly dataSource: DataSource,
  ) {}

  async start(handlers: { message(payload: string): void; connected(): void }): Promise<void> {
    this.handlers = handlers;
    await this.listen();
  }

  async publish(payload: string): Promise<void> {
    await this.dataSource.query(`SELECT pg_notify($1, $2)`, [CHANNEL, payload]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    const listener = this.listener;
    this.listener = null;
    await listener?.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    const client = new Client({
      connectionString: this.url,
      application_name: `plexus-config-listener-${process.pid}`,
    });
    client.on('notification', (notification) => {
      if (notification.channel === CHANNEL && notification.payload) this.handlers?.message(notification.payload);
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      this.lost(client, error as Error);
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.listener = client;
    if (this.attempts > 0) this.logger.log('listening for configuration changes again');
    this.attempts = 0;
    this.handlers?.connected();
  }

  private lost(client: Client, error: Error): void {
    if (this.stopped || (this.listener !== client && this.listener !== null)) return;
    this.listener = null;
    client.removeAllListeners('end');
    void client.end().catch(() => undefined);
    if (this.retry) return;
    if (this.attempts === 0) this.logger.warn(`configuration change listener lost: ${error.message}; reconnecting`);
    const delay = Math.min(100 * 2 ** this.attempts++, MAX_RECONNECT_DELAY_MS);
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.listen();
    }, delay);
    this.retry.unref();
  }
}
