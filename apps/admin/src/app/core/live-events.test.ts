import { describe, expect, it } from 'vitest';
import { applyLiveEvent, liveEventOf, type LiveRecord } from './live-events';

describe('live events', () => {
  it('reads started and completed messages, ignores pings and garbage', () => {
    expect(liveEventOf('started', '{"requestId":"r1","responseStatus":"pending"}')).toEqual({
      type: 'started',
      record: { requestId: 'r1', responseStatus: 'pending' },
    });
    expect(liveEventOf('ping', '{"time":1}')).toBeNull();
    expect(liveEventOf('completed', 'not json')).toBeNull();
    expect(liveEventOf('completed', '{"no":"id"}')).toBeNull();
  });

  it('puts new requests first and completes them in place, keeping at most the limit', () => {
    let feed: LiveRecord[] = [];
    feed = applyLiveEvent(
      feed,
      { type: 'started', record: { requestId: 'a', startTime: 1, responseStatus: 'pending' } },
      2,
    );
    feed = applyLiveEvent(
      feed,
      { type: 'started', record: { requestId: 'b', startTime: 2, responseStatus: 'pending' } },
      2,
    );
    feed = applyLiveEvent(
      feed,
      { type: 'completed', record: { requestId: 'a', startTime: 1, responseStatus: 'success', durationMs: 40 } },
      2,
    );
    expect(feed.map((r) => `${r.requestId}:${r.responseStatus}`)).toEqual(['b:pending', 'a:success']);
    expect(feed[1]?.durationMs).toBe(40);
    feed = applyLiveEvent(feed, { type: 'started', record: { requestId: 'c', startTime: 3 } }, 2);
    expect(feed.map((r) => r.requestId)).toEqual(['c', 'b']);
  });
});
