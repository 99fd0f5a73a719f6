/**
 * How change notifications travel between replicas: PostgreSQL LISTEN/NOTIFY, Redis
 * pub/sub, or nowhere (one process on the embedded database). A transport may lose
 * messages while disconnected; it says when it (re)connects, and the bus then reconciles.
 */
export interface ConfigChangeTransport {
  readonly name: string;
  start(handlers: { message(payload: string): void; connected(): void }): Promise<void>;
  publish(payload: string): Promise<void>;
  stop(): Promise<void>;
}

/** One process: nobody else to tell. */
export class LocalConfigChangeTransport implements ConfigChangeTransport {
  readonly name = 'in-process';

  async start(): Promise<void> {}

  async publish(): Promise<void> {}

  async stop(): Promise<void> {}
}
