import { LogJournal } from './log-journal';
import { maskLogText } from './log-masking';
import { PlexusLogger } from './plexus-logger';

describe('maskLogText', () => {
  it.each([
    ['Authorization: Bearer sk-abcdef0123456789', 'Authorization: Bearer [REDACTED]'],
    [
      'calling https://g.example/m:generateContent?key=AIzaSyA0123456789&alt=sse',
      'calling https://g.example/m:generateContent?key=[REDACTED]&alt=sse',
    ],
    ['key sk-ant-api03-abcdefgh rejected', 'key [REDACTED] rejected'],
    ['{"x-api-key":"abcd1234efgh"}', '{"x-api-key":"[REDACTED]"}'],
    [
      '{"provisioningKey":"naga-prov-0001","token":"mm-session-0002","groupid":"42"}',
      '{"provisioningKey":"[REDACTED]","token":"[REDACTED]","groupid":"42"}',
    ],
    ['max_tokens: 4096, input_token=1234', 'max_tokens: 4096, input_token=1234'],
    ['routing to openai/gpt-4o', 'routing to openai/gpt-4o'],
  ])('%s', (input, expected) => {
    expect(maskLogText(input)).toBe(expected);
  });
});

describe('PlexusLogger', () => {
  let written: string[];
  let spy: jest.SpyInstance;

  beforeEach(() => {
    written = [];
    spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
  });

  afterEach(() => spy.mockRestore());

  it('records entries at or above the runtime level, masked, and prints only filtered modules', () => {
    const journal = new LogJournal({ level: 'info', modules: ['Router'] });
    const logger = new PlexusLogger(journal);
    logger.log('hello with Bearer sk-abcdef0123456789', 'Other');
    logger.debug('too verbose', 'Router');
    logger.log('routed', 'Router');
    const { data } = journal.recent(10, 0);
    expect(data.map((entry) => [entry.context, entry.message])).toEqual([
      ['Router', 'routed'],
      ['Other', 'hello with Bearer [REDACTED]'],
    ]);
    expect(written.join('')).toContain('routed');
    expect(written.join('')).not.toContain('hello');

    journal.setLevel('debug');
    logger.debug('now visible', 'Router');
    expect(journal.recent(1, 0).data[0]?.message).toBe('now visible');
  });
});
