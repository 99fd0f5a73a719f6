import { ErrorCode, GatewayException } from '@plexus/core';
import { decodeGeminiEmbeddings, encodeGeminiEmbeddings } from './gemini-embeddings.codec';

function caught(run: () => unknown): GatewayException {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayException);
    return error as GatewayException;
  }
  throw new Error('expected a GatewayException');
}

describe('Gemini embeddings codec', () => {
  it('sends one input to :embedContent with the requested dimensions', () => {
    expect(encodeGeminiEmbeddings({ model: 'e', input: 'hello', dimensions: 256 }, 'text-embedding-004')).toEqual({
      action: 'embedContent',
      body: { content: { parts: [{ text: 'hello' }] }, outputDimensionality: 256 },
    });
  });

  it('sends several inputs to :batchEmbedContents, each naming the model', () => {
    expect(encodeGeminiEmbeddings({ input: ['a', 'b'] }, 'text-embedding-004')).toEqual({
      action: 'batchEmbedContents',
      body: {
        requests: [
          { model: 'models/text-embedding-004', content: { parts: [{ text: 'a' }] } },
          { model: 'models/text-embedding-004', content: { parts: [{ text: 'b' }] } },
        ],
      },
    });
  });

  it('refuses token arrays with a 400 naming input', () => {
    expect(caught(() => encodeGeminiEmbeddings({ input: [[1, 2]] }, 'm'))).toMatchObject({
      code: ErrorCode.INVALID_REQUEST,
      status: 400,
    });
  });

  it("reads one or several embeddings back into OpenAI's list", () => {
    expect(decodeGeminiEmbeddings({ embedding: { values: [0.1, 0.2] } }, 'm')).toEqual({
      object: 'list',
      data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2] }],
      model: 'm',
      usage: { prompt_tokens: 0, total_tokens: 0 },
    });
    expect(decodeGeminiEmbeddings({ embeddings: [{ values: [1] }, { values: [2] }] }, 'm')).toMatchObject({
      data: [
        { index: 0, embedding: [1] },
        { index: 1, embedding: [2] },
      ],
    });
    expect(caught(() => decodeGeminiEmbeddings({ candidates: [] }, 'm'))).toMatchObject({
      code: ErrorCode.UPSTREAM_INVALID_RESPONSE,
    });
  });
});
