import { GatewayMetrics } from '../gateway-metrics.service';
import type { UsageRecord } from '../usage-recorder.service';
import { PROGRESS_INTERVAL_MS, RequestEventBus, type FeedEvent, type RequestEvent } from './request-event-bus';
import { outputChars, progressOf } from './request-progress';

describe('RequestEventBus', () => {
  afterEach(() => jest.useRealTimers());

  it('delivers events to listeners and forgets a listener once it unsubscribes', () => {
    const bus = new RequestEventBus(new GatewayMetrics());
    expect(bus.listening).toBe(false);
    const seen: FeedEvent[] = [];
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

  it('tells feed clients, every interval, the progress of each request in flight', () => {
    jest.useFakeTimers();
    const bus = new RequestEventBus(new GatewayMetrics());
    const seen: FeedEvent[] = [];
    const subscription = bus.clientFeed().subscribe((event) => seen.push(event));
    const progress = bus.track('r1', 'k');
    progress.chars = 400;
    jest.advanceTimersByTime(PROGRESS_INTERVAL_MS);
    bus.untrack('r1');
    jest.advanceTimersByTime(PROGRESS_INTERVAL_MS);
    subscription.unsubscribe();
    expect(seen).toMatchObject([
      { type: 'request.progress', apiKey: 'k', data: { requestId: 'r1', bytes: 400, estimatedTokens: 100 } },
    ]);
  });
});

describe('request progress', () => {
  it('counts the output characters of text, thinking, tool arguments and relayed frames', () => {
    expect(outputChars({ type: 'block_delta', index: 0, delta: { kind: 'text', text: 'hello' } })).toBe(5);
    expect(outputChars({ type: 'block_delta', index: 0, delta: { kind: 'thinking', text: 'hmm' } })).toBe(3);
    expect(outputChars({ type: 'block_delta', index: 0, delta: { kind: 'tool_arguments', json: '{"a":1}' } })).toBe(7);
    expect(outputChars({ type: 'block_delta', index: 0, delta: { kind: 'signature', signature: 'sig' } })).toBe(0);
    expect(outputChars({ type: 'passthrough', data: 'data: {}\n\n' })).toBe(10);
    expect(outputChars({ type: 'finish', reason: 'stop' })).toBe(0);
  });

  it('estimates tokens and their rate since the first output', () => {
    expect(progressOf({ requestId: 'r', apiKey: 'k', startedAt: 0, firstOutputAt: 500, chars: 800 }, 2500)).toEqual({
      requestId: 'r',
      elapsedMs: 2500,
      bytes: 800,
      estimatedTokens: 200,
      estimatedTokensPerSec: 100,
    });
    expect(
      progressOf({ requestId: 'r', apiKey: 'k', startedAt: 0, firstOutputAt: null, chars: 0 }, 100)
        .estimatedTokensPerSec,
    ).toBeNull();
  });
});
