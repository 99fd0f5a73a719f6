import type { CanonicalRequest } from '@plexus/core';
import { estimateInputTokens } from './token-estimator';

function request(overrides: Partial<CanonicalRequest>): CanonicalRequest {
  return {
    model: 'm',
    instructions: [],
    messages: [],
    tools: [],
    sampling: {},
    stream: false,
    streamUsage: false,
    extensions: {},
    ...overrides,
  };
}

describe('estimateInputTokens', () => {
  it('grows with the text of instructions, messages and tools', async () => {
    const short = await estimateInputTokens(
      request({ messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] }),
    );
    const long = await estimateInputTokens(
      request({
        instructions: [{ role: 'system', text: 'You are a careful assistant who answers in full sentences.' }],
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Hi, tell me about the weather in Paris today.' }] },
        ],
        tools: [{ name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }],
      }),
    );
    expect(short).toBeGreaterThan(0);
    expect(long).toBeGreaterThan(short + 20);
  });

  it('counts a tokenizer-exact figure for plain text', async () => {
    // "hello world" is two o200k tokens, plus the per-message overhead of four.
    expect(
      await estimateInputTokens(
        request({ messages: [{ role: 'user', content: [{ type: 'text', text: 'hello world' }] }] }),
      ),
    ).toBe(6);
  });
});
