import type { GatewayException } from '@plexus/core';
import { parseRawUrl } from './raw-path';
import { RawUsageObserver, isRecognizedRawPath } from './raw-usage.observer';

describe('raw passthrough paths', () => {
  it('splits the provider slug from the untouched rest and query', () => {
    expect(parseRawUrl('/raw/openrouter/api/v1/chat/completions?x=%2F&y')).toEqual({
      provider: 'openrouter',
      path: '/api/v1/chat/completions?x=%2F&y',
    });
    expect(parseRawUrl('/raw/p.x-1')).toEqual({ provider: 'p.x-1', path: '/' });
  });

  it('refuses invalid slugs (404) and dot segments, encoded too (400)', () => {
    const status = (url: string): number | undefined => {
      try {
        parseRawUrl(url);
        return undefined;
      } catch (error) {
        return (error as GatewayException).status;
      }
    };
    expect(status('/raw/Bad_Slug/x')).toBe(404);
    expect(status('/raw//x')).toBe(404);
    expect(status('/raw/p/a/../b')).toBe(400);
    expect(status('/raw/p/a/%2E%2e/b')).toBe(400);
    expect(status('/raw/p/a%2f..%2fb')).toBe(400);
    expect(status('/raw/p/v1/models.list')).toBeUndefined();
  });

  it('recognizes LLM paths only', () => {
    expect(isRecognizedRawPath('/v1/chat/completions')).toBe(true);
    expect(isRecognizedRawPath('/v1/messages?beta=true')).toBe(true);
    expect(isRecognizedRawPath('/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse')).toBe(true);
    expect(isRecognizedRawPath('/v1/models')).toBe(false);
  });
});

describe('raw usage observer', () => {
  const observe = (text: string, contentType: string): ReturnType<RawUsageObserver['usage']> => {
    const observer = new RawUsageObserver();
    const bytes = Buffer.from(text);
    observer.push(bytes.subarray(0, 7));
    observer.push(bytes.subarray(7));
    return observer.usage(contentType);
  };

  it('reads OpenAI chat JSON usage with cached and reasoning details', () => {
    expect(
      observe(
        JSON.stringify({
          model: 'gpt-4o',
          usage: {
            prompt_tokens: 10,
            completion_tokens: 4,
            prompt_tokens_details: { cached_tokens: 3 },
            completion_tokens_details: { reasoning_tokens: 2 },
          },
        }),
        'application/json',
      ),
    ).toEqual({ model: 'gpt-4o', inputTokens: 10, outputTokens: 4, cachedTokens: 3, reasoningTokens: 2 });
  });

  it('reads an Anthropic stream: input from message_start, output from the last message_delta', () => {
    const sse = [
      'event: message_start',
      `data: ${JSON.stringify({ type: 'message_start', message: { model: 'claude-x', usage: { input_tokens: 20, output_tokens: 1, cache_read_input_tokens: 5 } } })}`,
      '',
      'event: message_delta',
      `data: ${JSON.stringify({ type: 'message_delta', usage: { output_tokens: 9 } })}`,
      '',
    ].join('\n');
    expect(observe(sse, 'text/event-stream')).toEqual({
      model: 'claude-x',
      inputTokens: 20,
      outputTokens: 9,
      cachedTokens: 5,
      reasoningTokens: 0,
    });
  });

  it('reads Gemini usageMetadata and Responses response.usage', () => {
    expect(
      observe(
        JSON.stringify({
          modelVersion: 'gemini-2.5',
          usageMetadata: { promptTokenCount: 7, candidatesTokenCount: 3, thoughtsTokenCount: 2 },
        }),
        'application/json',
      ),
    ).toMatchObject({
      model: 'gemini-2.5',
      inputTokens: 7,
      outputTokens: 3,
      reasoningTokens: 2,
    });
    const sse = `data: ${JSON.stringify({ type: 'response.completed', response: { model: 'gpt-5', usage: { input_tokens: 8, output_tokens: 6 } } })}\n\n`;
    expect(observe(sse, 'text/event-stream; charset=utf-8')).toMatchObject({
      model: 'gpt-5',
      inputTokens: 8,
      outputTokens: 6,
    });
  });

  it('leaves zeros for what it cannot read', () => {
    expect(observe('<html>', 'text/html')).toEqual({
      model: null,
      inputTokens: 0,
      outputTokens: 0,
      cachedTokens: 0,
      reasoningTokens: 0,
    });
  });
});
