import { redactSecrets } from './redact';

describe('redactSecrets', () => {
  it('replaces credentials wherever they are, and keeps everything else', () => {
    expect(
      redactSecrets({
        openai: { api_key: 'sk-1', api_base_url: 'https://x', headers: { 'x-token': 't' } },
        laptop: { secret: 'sk-2', comment: 'mine', allowedModels: ['a'] },
        local: { args: ['--token', 'abc'], env: { GITHUB_TOKEN: 'g' }, port: 3000 },
      }),
    ).toEqual({
      openai: { api_key: '[REDACTED]', api_base_url: 'https://x', headers: { 'x-token': '[REDACTED]' } },
      laptop: { secret: '[REDACTED]', comment: 'mine', allowedModels: ['a'] },
      local: { args: ['[REDACTED]', '[REDACTED]'], env: { GITHUB_TOKEN: '[REDACTED]' }, port: 3000 },
    });
  });
});
