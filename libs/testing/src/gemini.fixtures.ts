/** Gemini generateContent bodies and stream chunks, as an upstream would send them. */

export function geminiBody(params: {
  text: string;
  promptTokens?: number;
  candidateTokens?: number;
  modelVersion?: string;
}): Record<string, unknown> {
  const prompt = params.promptTokens ?? 9;
  const candidates = params.candidateTokens ?? 4;
  return {
    candidates: [{ content: { role: 'model', parts: [{ text: params.text }] }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: prompt, candidatesTokenCount: candidates, totalTokenCount: prompt + candidates },
    modelVersion: params.modelVersion ?? 'gemini-upstream',
    responseId: 'gemini-response-1',
  };
}

export function geminiStreamEvents(params: {
  pieces: string[];
  promptTokens?: number;
  candidateTokens?: number;
}): string[] {
  const prompt = params.promptTokens ?? 9;
  const candidates = params.candidateTokens ?? params.pieces.length;
  return params.pieces.map((piece, index) => {
    const last = index === params.pieces.length - 1;
    return JSON.stringify({
      candidates: [
        { content: { role: 'model', parts: [{ text: piece }] }, index: 0, ...(last && { finishReason: 'STOP' }) },
      ],
      usageMetadata: last
        ? { promptTokenCount: prompt, candidatesTokenCount: candidates, totalTokenCount: prompt + candidates }
        : { promptTokenCount: prompt, totalTokenCount: prompt },
      modelVersion: 'gemini-upstream',
      responseId: 'gemini-response-2',
    });
  });
}
