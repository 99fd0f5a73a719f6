import type { CanonicalRequest } from '@plexus/core';

/**
 * What the lifecycle needs of a request whose body it does not translate (media, raw):
 * its model, and its input as one user message so the quota admission can estimate its
 * tokens.
 */
export function standInRequest(model: string, inputText = ''): CanonicalRequest {
  return {
    model,
    instructions: [],
    messages: inputText ? [{ role: 'user', content: [{ type: 'text', text: inputText }] }] : [],
    tools: [],
    sampling: {},
    stream: false,
    streamUsage: false,
    extensions: {},
  };
}
