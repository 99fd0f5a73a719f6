import { MODEL_LISTINGS } from './model-listing';

const endpoint = (baseUrl: string) => ({
  apiType: 'chat' as const,
  baseUrl,
  apiKey: 'k',
  headers: {},
  timeoutMs: 1000,
});

describe('MODEL_LISTINGS', () => {
  it('reads OpenAI and Ollama lists from {base}/models with a Bearer key', () => {
    const openai = MODEL_LISTINGS.chat;
    expect(openai.url(endpoint('https://api.openai.com/v1/'))).toBe('https://api.openai.com/v1/models');
    expect(openai.authHeaders('sk-1')).toEqual({ authorization: 'Bearer sk-1' });
    expect(
      openai.decode({
        object: 'list',
        data: [{ id: 'gpt-4o', object: 'model', created: 1, owned_by: 'openai' }, { nope: 1 }],
      }),
    ).toEqual([{ id: 'gpt-4o', object: 'model', created: 1, owned_by: 'openai' }]);
    expect(openai.decode({ models: [{ name: 'llama3:8b' }] })).toEqual([{ id: 'llama3:8b', object: 'model' }]);
    expect(openai.decode({ error: 'x' })).toBeNull();
    expect(openai.decode('<html>')).toBeNull();
  });

  it('reads Anthropic lists from /v1/models with x-api-key and anthropic-version', () => {
    const anthropic = MODEL_LISTINGS.messages;
    expect(anthropic.url(endpoint('https://api.anthropic.com'))).toBe('https://api.anthropic.com/v1/models?limit=1000');
    expect(anthropic.url(endpoint('https://api.anthropic.com/v1'))).toBe(
      'https://api.anthropic.com/v1/models?limit=1000',
    );
    expect(anthropic.authHeaders('sk-ant')).toEqual({ 'anthropic-version': '2023-06-01', 'x-api-key': 'sk-ant' });
    expect(
      anthropic.decode({
        data: [{ id: 'claude-x', type: 'model', display_name: 'Claude X', created_at: '2025-02-19T00:00:00Z' }],
        has_more: false,
      }),
    ).toEqual([
      { id: 'claude-x', object: 'model', created: 1739923200, display_name: 'Claude X', owned_by: 'anthropic' },
    ]);
  });

  it('reads Gemini lists from /v1beta/models, dropping the models/ prefix', () => {
    const gemini = MODEL_LISTINGS.gemini;
    expect(gemini.url(endpoint('https://generativelanguage.googleapis.com/v1beta'))).toBe(
      'https://generativelanguage.googleapis.com/v1beta/models?pageSize=1000',
    );
    expect(gemini.authHeaders('g-key')).toEqual({ 'x-goog-api-key': 'g-key' });
    expect(gemini.decode({ models: [{ name: 'models/gemini-2.0-flash', displayName: 'Gemini 2.0 Flash' }] })).toEqual([
      { id: 'gemini-2.0-flash', object: 'model', display_name: 'Gemini 2.0 Flash', owned_by: 'google' },
    ]);
  });
});
