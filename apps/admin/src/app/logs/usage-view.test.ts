import { describe, expect, it } from 'vitest';
import { usageRecord } from '../testing/usage-record';
import { NO_FILTERS, logQuery } from './log-page';
import { apiLabel, attemptsOf, statusTone, targetLabel, totalTokens } from './usage-view';

describe('usage record views', () => {
  it('parses the retry history, tolerating junk', () => {
    const history = JSON.stringify([
      { index: 0, provider: 'a', model: 'm', apiType: 'chat', status: 'failed', reason: 'HTTP 500', statusCode: 500 },
      { index: 1, provider: 'b', model: 'n', apiType: 'messages', status: 'success' },
      'junk',
    ]);
    expect(attemptsOf({ retryHistory: history })).toEqual([
      { index: 0, provider: 'a', model: 'm', apiType: 'chat', status: 'failed', statusCode: 500, reason: 'HTTP 500' },
      { index: 1, provider: 'b', model: 'n', apiType: 'messages', status: 'success', statusCode: null, reason: null },
    ]);
    expect(attemptsOf({ retryHistory: null })).toEqual([]);
    expect(attemptsOf({ retryHistory: '{not json' })).toEqual([]);
    expect(attemptsOf({ retryHistory: '{"a":1}' })).toEqual([]);
  });

  it('labels the target and the API translation', () => {
    expect(targetLabel(usageRecord())).toBe('mock/mock-model');
    expect(
      targetLabel(
        usageRecord({ finalAttemptProvider: null, finalAttemptModel: null, provider: null, selectedModelName: null }),
      ),
    ).toBe('—');
    expect(apiLabel(usageRecord())).toBe('chat');
    expect(apiLabel(usageRecord({ outgoingApiType: 'messages' }))).toBe('chat → messages');
    expect(apiLabel(usageRecord({ outgoingApiType: null }))).toBe('chat');
  });

  it('tones statuses and adds up tokens', () => {
    expect(['success', 'pending', 'cancelled', 'error', 'timeout', 'stall'].map(statusTone)).toEqual([
      'ok',
      'pending',
      'warn',
      'bad',
      'bad',
      'bad',
    ]);
    expect(totalTokens(usageRecord())).toBe(19);
  });

  it('turns filters and the page into the usage query', () => {
    expect(logQuery(NO_FILTERS, 0, 50)).toEqual({ limit: 50, offset: 0, sortBy: 'date', sortDir: 'desc' });
    expect(logQuery({ status: 'error', provider: 'p', alias: 'a', key: 'k' }, 2, 25)).toEqual({
      limit: 25,
      offset: 50,
      sortBy: 'date',
      sortDir: 'desc',
      responseStatus: 'error',
      provider: 'p',
      incomingModelAlias: 'a',
      apiKey: 'k',
    });
  });
});
