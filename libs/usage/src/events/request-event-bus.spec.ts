import { GatewayMetrics } from '../gateway-metrics.service';
import type { UsageRecord } from '../usage-recorder.service';
import { RequestEventBus, type RequestEvent } from './request-event-bus';

describe('RequestEventBus', () => {
  it('delivers events to listeners and forgets a listener once it unsubscribes', () => {
    const bus = new RequestEventBus(new GatewayMetrics());
    expect(bus.listening).toBe(false);
    const seen: RequestEvent[] = [];
    const internal = bus.feed().subscribe();
    const subscription = bus.clientFeed().subscribe((event) => seen.push(event));
    expect(bus.feedClients).toBe(1);
    const event: RequestEvent = { type: 'request.completed', apiKey: 'k', record: { requestId: 'r' } as UsageRecord };
    bus.emit(event);
    subscription.unsubscribe();
    bus.emit(event);
    expect(seen).toEqual([event]);
    expect(bus.feedClients).toBe(0);
    internal.unsubscribe();
    expect(bus.listening).toBe(false);
  });
});
