import { Global, Inject, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { Environment } from '@plexus/config';
import {
  ConfigChangeBus,
  DatabaseEndpoint,
  LocalConfigChangeTransport,
  PostgresNotifyTransport,
  type ConfigChangeTransport,
} from '@plexus/persistence';
import { RedisConnection } from '@plexus/routing';
import type { DataSource } from 'typeorm';

/** Redis pub/sub, on a connection of its own; the channel is per database, so deployments sharing a Redis stay apart. */
class RedisConfigChangeTransport implements ConfigChangeTransport {
  readonly name = 'Redis pub/sub';

  constructor(
    private readonly redis: RedisConnection,
    private readonly channel: string,
  ) {}

  async start(handlers: { message(payload: string): void; connected(): void }): Promise<void> {
    this.redis.onReady(() => handlers.connected());
    // When Redis is down the subscription is made once it is up (and `connected` then reconciles).
    await this.redis.subscribe(this.channel, (payload) => handlers.message(payload)).catch(() => undefined);
  }

  async publish(payload: string): Promise<void> {
    await this.redis.publish(this.channel, payload);
  }

  async stop(): Promise<void> {
    await this.redis.onApplicationShutdown();
  }
}

function transportFor(env: Environment, endpoint: DatabaseEndpoint, dataSource: DataSource): ConfigChangeTransport {
  const database = decodeURIComponent(new URL(endpoint.url).pathname.slice(1));
  if (env.REDIS_URL) return new RedisConfigChangeTransport(new RedisConnection(env.REDIS_URL), `config:${database}`);
  // The embedded database serves one process: there is no other replica to tell.
  if (endpoint.embedded) return new LocalConfigChangeTransport();
  return new PostgresNotifyTransport(endpoint.url, dataSource);
}

class ConfigChangeBusLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(ConfigChangeBus) private readonly bus: ConfigChangeBus) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.bus.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.bus.stop();
  }
}

/**
 * Configuration changes reach every replica within a second: by Redis pub/sub with
 * REDIS_URL, else by PostgreSQL LISTEN/NOTIFY; a version check every
 * CONFIG_RECONCILE_SECONDS catches what either lost.
 */
@Global()
@Module({
  providers: [
    {
      provide: ConfigChangeBus,
      inject: [Environment, DatabaseEndpoint, getDataSourceToken()],
      useFactory: (env: Environment, endpoint: DatabaseEndpoint, dataSource: DataSource) =>
        new ConfigChangeBus(dataSource, transportFor(env, endpoint, dataSource), {
          reconcileMs: env.CONFIG_RECONCILE_SECONDS * 1000,
        }),
    },
    ConfigChangeBusLifecycle,
  ],
  exports: [ConfigChangeBus],
})
export class ConfigBusModule {}
