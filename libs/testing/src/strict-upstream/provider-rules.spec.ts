import { ProviderRules } from './index';

const judge = (path: string, body: unknown, rules = new ProviderRules()) => rules.judge('POST', path, body);

describe('ProviderRules: each provider refuses what its API refuses, in its own words', () => {
  it('OpenAI Chat Completions: unknown arguments, tool message order, reasoning-model parameters', () => {
    expect(judge('/v1/chat/completions', { model: 'gpt-4.1', messages: [], top_k: 3 })).toEqual({
      status: 400,
      body: {
        error: {
          message: 'Unrecognized request argument supplied: top_k',
          type: 'invalid_request_error',
          param: null,
          code: null,
        },
      },
    });
    const orphanTool = { model: 'gpt-4.1', messages: [{ role: 'tool', tool_call_id: 'x', content: 'r' }] };
    expect(JSON.stringify(judge('/chat/completions', orphanTool))).toContain(
      'must be a response to a preceeding message',
    );
    const unanswered = {
      model: 'gpt-4.1',
      messages: [
        { role: 'assistant', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
        { role: 'user', content: 'next' },
      ],
    };
    expect(JSON.stringify(judge('/chat/completions', unanswered))).toContain('did not have response messages: c1');
    expect(judge('/chat/completions', { model: 'gpt-5', messages: [], max_tokens: 5 })?.body).toMatchObject({
      error: { code: 'unsupported_parameter', param: 'max_tokens' },
    });
    expect(
      judge('/chat/completions', { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] }),
    ).toBeUndefined();
  });

  it('Anthropic Messages: extra inputs, max_tokens, signatures it never issued, tool pairing', () => {
    expect(judge('/v1/messages', { model: 'c', messages: [], max_tokens: 5, top_k_x: 1 })?.body).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'top_k_x: Extra inputs are not permitted' },
      request_id: 'req_scripted',
    });
    expect(JSON.stringify(judge('/v1/messages', { model: 'c', messages: [] }))).toContain('max_tokens: Field required');
    const rules = new ProviderRules();
    const replay = (signature: string) => ({
      model: 'c',
      max_tokens: 5,
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 't', signature }] },
        { role: 'user', content: 'again' },
      ],
    });
    expect(JSON.stringify(judge('/v1/messages', replay('skip_thought_signature_validator'), rules))).toContain(
      'messages.1.content.0: Invalid `signature` in `thinking` block',
    );
    rules.issue({ content: [{ type: 'thinking', thinking: 't', signature: 'EqQBsig' }] });
    expect(judge('/v1/messages', replay('EqQBsig'), rules)).toBeUndefined();
    const unpaired = {
      model: 'c',
      max_tokens: 5,
      messages: [
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'f', input: {} }] },
        { role: 'user', content: [{ type: 'text', text: 'ignored the call' }] },
      ],
    };
    expect(JSON.stringify(judge('/v1/messages', unpaired))).toContain('ids were found without `tool_result` blocks');
    const badId = {
      model: 'c',
      max_tokens: 5,
      messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 'call.1', name: 'f', input: {} }] }],
    };
    expect(JSON.stringify(judge('/v1/messages', badId))).toContain("String should match pattern '^[a-zA-Z0-9_-]+$'");
  });

  it('Gemini: unknown names in the body and in generation_config, foreign signatures, Gemini 3 unsigned calls', () => {
    expect(judge('/v1beta/models/gemini-2.5-flash:generateContent', { contents: [], top_k: 1 })?.body).toEqual({
      error: {
        code: 400,
        message: 'Invalid JSON payload received. Unknown name "top_k": Cannot find field.',
        status: 'INVALID_ARGUMENT',
      },
    });
    expect(
      JSON.stringify(judge('/models/g:generateContent', { contents: [], generationConfig: { max_tokens: 1 } })),
    ).toContain(`Unknown name \\"max_tokens\\" at 'generation_config'`);
    const unsignedCall = {
      contents: [
        { role: 'user', parts: [{ text: 'q' }] },
        { role: 'model', parts: [{ functionCall: { name: 'lookup', args: {} } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'lookup', response: {} } }] },
      ],
    };
    expect(
      JSON.stringify(judge('/v1beta/models/gemini-3-pro-preview:streamGenerateContent?alt=sse', unsignedCall)),
    ).toContain('Function call is missing a thought_signature in functionCall parts');
    expect(judge('/v1beta/models/gemini-2.5-pro:generateContent', unsignedCall)).toBeUndefined();
    const standIn = structuredClone(unsignedCall);
    (standIn.contents[1]?.parts[0] as Record<string, unknown>)['thoughtSignature'] = 'skip_thought_signature_validator';
    expect(judge('/v1beta/models/gemini-3-pro-preview:generateContent', standIn)).toBeUndefined();
    (standIn.contents[1]?.parts[0] as Record<string, unknown>)['thoughtSignature'] = 'EqQBanthropic';
    expect(JSON.stringify(judge('/v1beta/models/gemini-3-pro-preview:generateContent', standIn))).toContain(
      'Thought signature is not valid',
    );
  });

  it('OpenAI Responses: unknown parameters, encrypted reasoning it never issued, outputs without a call', () => {
    expect(judge('/v1/responses', { model: 'gpt-5', input: 'hi', top_k: 2 })?.body).toEqual({
      error: {
        message: "Unknown parameter: 'top_k'.",
        type: 'invalid_request_error',
        param: 'top_k',
        code: 'unknown_parameter',
      },
    });
    const replay = {
      model: 'gpt-5',
      input: [{ type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'gemini-sig' }],
    };
    expect(judge('/v1/responses', replay)?.body).toMatchObject({ error: { code: 'invalid_encrypted_content' } });
    const orphan = { model: 'gpt-5', input: [{ type: 'function_call_output', call_id: 'c9', output: 'x' }] };
    expect(JSON.stringify(judge('/v1/responses', orphan))).toContain(
      'No tool call found for function call output with call_id c9',
    );
  });

  it('judges only the generation endpoints, and only POSTed JSON objects', () => {
    expect(judge('/v1/embeddings', { model: 'e', input: 'x', top_k: 1 })).toBeUndefined();
    expect(new ProviderRules().judge('GET', '/v1/models', undefined)).toBeUndefined();
    expect(judge('/v1/chat/completions', 'not json')).toBeUndefined();
  });
});
