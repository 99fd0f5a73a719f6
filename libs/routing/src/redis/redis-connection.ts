import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';

export type RedisMessageHandler = (message: string) => void;

/**
 * The optional Redis that replicas share hot state through (REDIS_URL). One connection
 * for commands and one for subscriptions, both created lazily; when REDIS_URL is unset
 * `enabled` is false and every state stays in-process. Commands never block a request:
 * callers fire them and log failures.
 */
export class RedisConnection implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisConnection.name);
  /** Tells this replica's own messages apart from the others'. */
  readonly instanceId = randomUUID();
  private commandClient: Redis | null = null;
  private subscriber: Redis | null = null;
  private readonly handlers = new Map<string, Set<RedisMessageHandler>>();
  private readonly reconnectHandlers = new Set<() => void>();
  private closed = false;

  /**
   * @param url redis:// or rediss:// URL; undefined disables Redis.
   * @param prefix Prepended to every key and channel, so deployments (or tests) can share one server.
   */
  constructor(
    private readonly url: string | undefined,
    readonly prefix = 'plexus:',
  ) {}

  get enabled(): boolean {
    return this.url !== undefined && this.url !== '';
  }

  get client(): Redis {
    if (!this.enabled) throw new Error('Redis is not configured (REDIS_URL is unset)');
    this.commandClient ??= this.connect('commands');
    return this.commandClient;
  }

  key(name: string): string {
    return `${this.prefix}${name}`;
  }

  /**
   * Calls `handler` with every message published on `channel` (unprefixed name). When
   * Redis can't be reached the returned promise rejects, but the subscription stands and
   * is made as soon as the connection is up.
   */
  async subscribe(channel: string, handler: RedisMessageHandler): Promise<void> {
    const name = this.key(channel);
    let handlers = this.handlers.get(name);
    const isNew = !handlers;
    if (!handlers) {
      handlers = new Set();
      this.handlers.set(name, handlers);
    }
    handlers.add(handler);
    if (isNew) await this.subscriberClient().subscribe(name);
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.client.publish(this.key(channel), message);
  }

  /**
   * Called each time the subscription connection is (again) ready: messages may have been
   * missed while it was down.
   */
  onReady(handler: () => void): void {
    this.reconnectHandlers.add(handler);
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    await Promise.all(
      [this.commandClient, this.subscriber].map(async (client) => {
        if (!client) return;
        if (client.status !== 'ready') {
          client.disconnect();
          return;
        }
        // QUIT lets commands in flight finish; a dead server must not hold up the shutdown.
        const timer = setTimeout(() => client.disconnect(), 2000);
        try {
          await client.quit();
        } catch {
          client.disconnect();
        } finally {
          clearTimeout(timer);
        }
      }),
    );
  }

  private subscriberClient(): Redis {
    if (this.subscriber) return this.subscriber;
    const subscriber = this.connect('subscriber');
    subscriber.on('ready', () => {
      // Channels whose first SUBSCRIBE failed (Redis was down) are subscribed now; repeating one is harmless.
      if (this.handlers.size > 0) void subscriber.subscribe(...this.handlers.keys()).catch(() => undefined);
      for (const handler of this.reconnectHandlers) handler();
    });
    subscriber.on('message', (channel: string, message: string) => {
      for (const handler of this.handlers.get(channel) ?? []) {
        try {
          handler(message);
        } catch (error) {
          this.logger.warn(`redis message on ${channel} failed: ${(error as Error).message}`);
        }
      }
    });
    this.subscriber = subscriber;
    return subscriber;
  }

  private connect(role: string): Redis {
    const client = new Redis(this.url as string, {
      // Names this process's connections in CLIENT LIST (operators, and tests that cut one replica off).
      connectionName: `plexus-${process.pid}-${role}`,
      // A command fails after a few reconnection attempts instead of waiting forever.
      maxRetriesPerRequest: 3,
      connectTimeout: 5000,
      // How long a closing socket may linger (ioredis keeps a timer that long even for a dead server).
      disconnectTimeout: 500,
      retryStrategy: (times) => (this.closed ? null : Math.min(times * 200, 5000)),
    });
    let lastError = '';
    client.on('error', (error: Error) => {
      // ioredis repeats the same error on every reconnection attempt: log each change once.
      if (error.message === lastError) return;
      lastError = error.message;
      this.logger.warn(`redis (${role}): ${error.message}`);
    });
    client.on('ready', () => {
      lastError = '';
    });
    return client;
  }
}
