import { mediaUsage } from './media-usage';

describe('mediaUsage', () => {
  it('reads the prompt tokens of an embeddings answer', () => {
    expect(mediaUsage({ object: 'list', data: [], usage: { prompt_tokens: 8, total_tokens: 8 } })).toMatchObject({
      inputTokens: 8,
      outputTokens: 0,
    });
  });

  it('reads input and output tokens of an image or token-billed transcription answer', () => {
    const body = {
      created: 1,
      data: [],
      usage: { input_tokens: 50, output_tokens: 4160, total_tokens: 4210, input_tokens_details: { text_tokens: 50 } },
    };
    expect(mediaUsage(body)).toMatchObject({ inputTokens: 50, outputTokens: 4160 });
    expect(
      mediaUsage({ text: 'hi', usage: { type: 'tokens', input_tokens: 14, output_tokens: 45, total_tokens: 59 } }),
    ).toMatchObject({
      inputTokens: 14,
      outputTokens: 45,
    });
  });

  it('is zero for answers without token usage (duration-billed transcription, DALL-E, no usage)', () => {
    expect(mediaUsage({ text: 'hi', usage: { type: 'duration', seconds: 3 } })).toMatchObject({
      inputTokens: 0,
      outputTokens: 0,
    });
    expect(mediaUsage({ created: 1, data: [{ url: 'https://x' }] })).toMatchObject({ inputTokens: 0, outputTokens: 0 });
    expect(mediaUsage(null)).toMatchObject({ inputTokens: 0, outputTokens: 0 });
  });

  it('keeps a cost the upstream reported', () => {
    expect(mediaUsage({ usage: { prompt_tokens: 3, cost: 0.00002 } }).reportedCostUsd).toBe(0.00002);
  });
});
