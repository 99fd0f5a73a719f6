import type { DebugTraceService } from './debug-traces/debug-trace.service';
import { RequestEventBus, type FeedEvent, type RequestEvent } from './events/request-event-bus';
import { GatewayMetrics } from './gateway-metrics.service';
import { RequestObservation, type ObservedRequest } from './request-observation.service';
import type { GatewayTelemetry } from './telemetry/gateway-telemetry.service';
import type { UsageRecord } from './usage-recorder.service';

const request: ObservedRequest = {
  requestId: 'r1',
  clientRequestId: null,
  startTime: new Date('2030-01-01T00:00:00Z'),
  keyName: 'client',
  attribution: null,
  sourceIp: null,
  format: 'chat',
  alias: 'smart',
  stream: true,
  clientHeaders: {},
  clientBody: {},
  providers: ['openai'],
};

function observation(): { observation: RequestObservation; bus: RequestEventBus } {
  const traces = { armed: false, begin: () => null } as unknown as DebugTraceService;
  const telemetry = { enabled: false, startRequest: () => null } as unknown as GatewayTelemetry;
  const bus = new RequestEventBus(new GatewayMetrics());
  return { observation: new RequestObservation(traces, telemetry, bus), bus };
}

describe('RequestObservation', () => {
  it('costs a few flag checks when nothing observes requests: the request is not even described', () => {
    const { observation: observing } = observation();
    const describe = jest.fn(() => request);
    const observer = observing.begin(describe);
    expect(describe).not.toHaveBeenCalled();
    expect(observer.responseCapture).toBeUndefined();
    expect(
      observer.attemptStarted({ provider: 'openai', model: 'm', apiType: 'chat', baseUrl: 'http://x', apiKey: null }),
    ).toBeUndefined();
  });

  it('announces the request to in-process listeners without following its output', () => {
    const { observation: observing, bus } = observation();
    const seen: RequestEvent[] = [];
    const subscription = bus.feed().subscribe((event) => seen.push(event));
    observing.begin(() => request);
    subscription.unsubscribe();
    expect(seen).toMatchObject([
      { type: 'request.started', apiKey: 'client', data: { requestId: 'r1', incomingModelAlias: 'smart' } },
    ]);
  });

  it('follows the output of requests while a live feed client watches', () => {
    jest.useFakeTimers();
    const { observation: observing, bus } = observation();
    const seen: FeedEvent[] = [];
    const subscription = bus.clientFeed().subscribe((event) => seen.push(event));
    const observer = observing.begin(() => request);
    observer.chunk({ type: 'block_delta', index: 0, delta: { kind: 'text', text: 'x'.repeat(40) } });
    jest.advanceTimersByTime(1000);
    observer.finished({ requestId: 'r1', responseStatus: 'success', httpStatus: 200 } as UsageRecord, null);
    jest.advanceTimersByTime(1000);
    subscription.unsubscribe();
    jest.useRealTimers();
    expect(seen.filter((event) => event.type === 'request.progress')).toMatchObject([
      { data: { requestId: 'r1', bytes: 40, estimatedTokens: 10 } },
    ]);
  });
});
