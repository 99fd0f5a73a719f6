import type { DataSource } from 'typeorm';
import { ConfigChangeBus } from './config-change-bus';
import type { ConfigChangeTransport } from './config-change-transport';
import { SerialReload } from './serial-reload';

/** The `config_version` sequence, as the bus reads and advances it. */
class FakeSequence {
  value = 0;

  query(sql: string): Promise<Array<{ version: string }>> {
    if (sql.includes('nextval')) this.value += 1;
    return Promise.resolve([{ version: String(this.value) }]);
  }
}

/** Replicas sharing one sequence and one channel, delivering only when told to. */
class FakeChannel {
  readonly pending: string[] = [];
  readonly listeners: Array<{ message(payload: string): void; connected(): void }> = [];

  transport(): ConfigChangeTransport {
    return {
      name: 'fake',
      start: (handlers) => {
        this.listeners.push(handlers);
        return Promise.resolve();
      },
      publish: (payload) => {
        this.pending.push(payload);
        return Promise.resolve();
      },
      stop: () => Promise.resolve(),
    };
  }

  deliver(): void {
    for (const payload of this.pending.splice(0)) for (const listener of this.listeners) listener.message(payload);
  }
}

function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe('ConfigChangeBus', () => {
  let sequence: FakeSequence;
  let channel: FakeChannel;

  beforeEach(() => {
    sequence = new FakeSequence();
    channel = new FakeChannel();
  });

  function replica(): { bus: ConfigChangeBus; reloads: Record<string, number> } {
    const bus = new ConfigChangeBus(sequence as unknown as DataSource, channel.transport(), { reconcileMs: 3_600_000 });
    const reloads: Record<string, number> = { keys: 0, routing: 0 };
    bus.subscribe('keys', ['keys'], () => {
      reloads['keys'] += 1;
      return Promise.resolve();
    });
    bus.subscribe('routing', ['providers', 'aliases'], () => {
      reloads['routing'] += 1;
      return Promise.resolve();
    });
    return { bus, reloads };
  }

  it('applies a change on the publishing replica before publish returns, and on the others on delivery', async () => {
    const a = replica();
    const b = replica();
    await Promise.all([a.bus.start(), b.bus.start()]);

    await a.bus.publish('keys');
    expect(a.reloads).toEqual({ keys: 1, routing: 0 });
    expect(b.reloads).toEqual({ keys: 0, routing: 0 });

    channel.deliver();
    await settle();
    // The publisher ignores its own event; the other reloads only the views of the topic.
    expect(a.reloads).toEqual({ keys: 1, routing: 0 });
    expect(b.reloads).toEqual({ keys: 1, routing: 0 });
    await Promise.all([a.bus.stop(), b.bus.stop()]);
  });

  it('reloads every view when the transport (re)connects', async () => {
    const a = replica();
    await a.bus.start();
    channel.listeners[0].connected();
    await settle();
    await settle();
    expect(a.reloads).toEqual({ keys: 1, routing: 1 });
    await a.bus.stop();
  });

  it('ignores messages that are not change events', async () => {
    const a = replica();
    await a.bus.start();
    channel.listeners[0].message('not json');
    channel.listeners[0].message(JSON.stringify({ type: 'something.else', topics: ['keys'] }));
    channel.listeners[0].message(
      JSON.stringify({ type: 'config.changed', topics: ['unknown-topic'], version: 1, origin: 'x' }),
    );
    await settle();
    expect(a.reloads).toEqual({ keys: 0, routing: 0 });
    await a.bus.stop();
  });
});

describe('SerialReload', () => {
  it('never runs two reloads at once, and answers requests made meanwhile with one later run', async () => {
    let running = 0;
    let most = 0;
    let runs = 0;
    const releases: Array<() => void> = [];
    const serial = new SerialReload(async () => {
      running += 1;
      runs += 1;
      most = Math.max(most, running);
      await new Promise<void>((resolve) => releases.push(resolve));
      running -= 1;
    });

    const first = serial.request();
    const second = serial.request();
    const third = serial.request();
    expect(second).toBe(third);
    releases.shift()!();
    await first;
    await settle();
    expect(runs).toBe(2);
    releases.shift()!();
    await Promise.all([second, third]);
    expect(most).toBe(1);
    expect(runs).toBe(2);
  });
});
