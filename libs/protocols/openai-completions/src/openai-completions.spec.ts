import type { CanonicalChunk } from '@plexus/core';
import {
  CONTINUE_INSTRUCTION,
  FILL_IN_THE_MIDDLE_INSTRUCTION,
  decodeCompletionRequest,
  encodeCompletionRequest,
} from './openai-completions-request.codec';
import { decodeCompletionResponse, encodeCompletionResponse } from './openai-completions-response.codec';
import { CompletionStreamDecoder, CompletionStreamEncoder } from './openai-completions-stream.codec';

describe('legacy completions codec', () => {
  it('turns a prompt into a continuation request for chat models', () => {
    const canonical = decodeCompletionRequest({
      model: 'm',
      prompt: 'Once upon a',
      max_tokens: 12,
      stop: '\n',
      echo: false,
    });
    expect(canonical.instructions).toEqual([{ role: 'system', text: CONTINUE_INSTRUCTION }]);
    expect(canonical.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Once upon a' }] }]);
    expect(canonical.sampling).toEqual({ maxOutputTokens: 12, stop: ['\n'] });
    expect(canonical.extensions).toEqual({ completions: { echo: false } });
  });

  it('turns prefix and suffix into a fill-in-the-middle request', () => {
    const canonical = decodeCompletionRequest({
      model: 'm',
      prompt: 'def add(a, b):\n    ',
      suffix: '\n\nprint(add(1, 2))',
    });
    expect(canonical.instructions[0]?.text).toBe(FILL_IN_THE_MIDDLE_INSTRUCTION);
    expect(canonical.messages[0]?.content).toEqual([
      { type: 'text', text: '<|fim_prefix|>def add(a, b):\n    <|fim_suffix|>\n\nprint(add(1, 2))<|fim_middle|>' },
    ]);
  });

  it('rejects a missing prompt naming the field', () => {
    expect(() => decodeCompletionRequest({ model: 'm' })).toThrow("'prompt' must be a string or an array of strings");
  });

  it('flattens a conversation into one prompt for a completions upstream, asking for usage when streaming', () => {
    const body = encodeCompletionRequest(
      { ...decodeCompletionRequest({ model: 'alias', prompt: 'x' }), instructions: [], stream: true },
      { model: 'upstream' },
    );
    expect(body).toEqual({ model: 'upstream', prompt: 'x', stream: true, stream_options: { include_usage: true } });
  });

  it('maps responses both ways, usage included', () => {
    const canonical = decodeCompletionResponse({
      id: 'cmpl-1',
      object: 'text_completion',
      created: 5,
      model: 'u',
      choices: [{ text: ' time', index: 0, logprobs: null, finish_reason: 'length' }],
      usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12, prompt_tokens_details: { cached_tokens: 4 } },
    });
    expect(canonical).toMatchObject({
      content: [{ type: 'text', text: ' time' }],
      finishReason: 'length',
      usage: { inputTokens: 6, cacheReadTokens: 4, outputTokens: 2 },
    });
    expect(encodeCompletionResponse(canonical)).toMatchObject({
      object: 'text_completion',
      choices: [{ text: ' time', finish_reason: 'length' }],
      usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 },
    });
  });

  it('decodes a stream and encodes it back, usage only when asked', () => {
    const decoder = new CompletionStreamDecoder();
    const base = { id: 'cmpl-2', object: 'text_completion', created: 1, model: 'u' };
    const chunks: CanonicalChunk[] = [
      ...decoder.decode(undefined, {
        ...base,
        choices: [{ text: 'Hel', index: 0, logprobs: null, finish_reason: null }],
      }),
      ...decoder.decode(undefined, {
        ...base,
        choices: [{ text: 'lo', index: 0, logprobs: null, finish_reason: 'stop' }],
      }),
      ...decoder.decode(undefined, {
        ...base,
        choices: [],
        usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
      }),
    ];
    expect(chunks.map((chunk) => chunk.type)).toEqual([
      'start',
      'block_start',
      'block_delta',
      'block_delta',
      'block_stop',
      'finish',
      'usage',
    ]);

    const render = (includeUsage: boolean): string => {
      const encoder = new CompletionStreamEncoder({ includeUsage, fallbackId: 'f', fallbackModel: 'm' });
      return chunks.map((chunk) => encoder.encode(chunk)).join('') + encoder.end();
    };
    const frames = render(true)
      .split('\n\n')
      .filter(Boolean)
      .map((frame) => frame.replace(/^data: /, ''));
    expect(frames.at(-1)).toBe('[DONE]');
    const parsed = frames
      .slice(0, -1)
      .map((frame) => JSON.parse(frame) as { choices: Array<{ text: string }>; usage?: unknown });
    expect(parsed.map((frame) => frame.choices[0]?.text ?? '').join('')).toBe('Hello');
    expect(parsed.at(-1)?.usage).toEqual({
      prompt_tokens: 3,
      completion_tokens: 2,
      total_tokens: 5,
      prompt_tokens_details: { cached_tokens: 0 },
    });
    expect(render(false)).not.toContain('"usage"');
  });
});
