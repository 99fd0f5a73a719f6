import { RequestTrace } from './request-trace';

const CLIENT_KEY = 'sk-client-secret-0123456789';
const PROVIDER_KEY = 'sk-provider-secret-abcdef0123';

function trace(maxBodyChars = 10_000): RequestTrace {
  return new RequestTrace({
    requestId: '00000000-0000-4000-8000-000000000001',
    keyName: 'client',
    alias: 'smart',
    format: 'chat',
    clientHeaders: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' },
    clientUrl: '/v1/chat/completions',
    clientBody: { model: 'smart', messages: [{ role: 'user', content: `my key is ${CLIENT_KEY}` }] },
    maxBodyChars,
  });
}

describe('RequestTrace', () => {
  it('never stores the provider key or the client key, wherever they appear', () => {
    const request = trace();
    const upstream = request.attempt({ provider: 'openai', model: 'gpt', apiType: 'chat', apiKey: PROVIDER_KEY });
    upstream.request({
      url: `https://api.example/v1/chat/completions?api_key=${PROVIDER_KEY}`,
      headers: { authorization: `Bearer ${PROVIDER_KEY}`, 'x-custom': PROVIDER_KEY },
      body: JSON.stringify({ model: 'gpt', messages: [{ role: 'user', content: `my key is ${CLIENT_KEY}` }] }),
    });
    upstream.response({ status: 200, headers: { 'set-cookie': 'session=1', 'content-type': 'text/event-stream' } });
    upstream.body(`data: {"choices":[{"delta":{"content":"${PROVIDER_KEY.slice(0, 10)}`);
    upstream.body(`${PROVIDER_KEY.slice(10)}"}}]}\n\n`);
    request.write(`data: {"content":"${PROVIDER_KEY}"}\n\n`);

    const document = request.document({ status: 'success', httpStatus: 200, error: null });
    const stored = JSON.stringify(document);
    expect(stored).not.toContain(CLIENT_KEY);
    expect(stored).not.toContain(PROVIDER_KEY);
    expect(document).toMatchObject({
      requestHeaders: { authorization: '[REDACTED]', 'content-type': 'application/json' },
      rawRequest: { messages: [{ content: 'my key is [REDACTED]' }] },
      transformedRequest: { model: 'gpt' },
      attempts: [
        {
          requestHeaders: { authorization: '[REDACTED]', 'x-custom': '[REDACTED]' },
          responseHeaders: { 'set-cookie': '[REDACTED]' },
        },
      ],
    });
  });

  it("masks the values of the provider's custom headers, whatever their names", () => {
    const request = trace();
    const upstream = request.attempt({
      provider: 'p',
      model: 'm',
      apiType: 'chat',
      apiKey: null,
      headers: { 'X-Org-Routing': 'org-routing-credential-42' },
    });
    upstream.request({
      url: 'https://api.example/v1',
      headers: { 'x-org-routing': 'org-routing-credential-42' },
      body: '{}',
    });
    const stored = JSON.stringify(request.document({ status: 'success', httpStatus: 200, error: null }));
    expect(stored).not.toContain('org-routing-credential-42');
    expect(stored).toContain('"x-org-routing":"[REDACTED]"');
  });

  it('keeps each body up to its limit and says how much was cut', () => {
    const request = trace(1024);
    const upstream = request.attempt({ provider: 'p', model: 'm', apiType: 'chat', apiKey: null });
    for (let index = 0; index < 100; index++) upstream.body(`data: ${'x'.repeat(40)}\n\n`);
    const document = request.document({ status: 'success', httpStatus: 200, error: null });
    const rawResponse = document['rawResponse'] as { truncated: boolean; omittedChars: number; text: string };
    expect(rawResponse.truncated).toBe(true);
    expect(rawResponse.text).toHaveLength(1024);
    expect(rawResponse.omittedChars).toBe(100 * 48 - 1024);
  });

  it('records each attempt and the error of the failed ones', () => {
    const request = trace();
    request.attempt({ provider: 'a', model: 'm1', apiType: 'chat', apiKey: null });
    request.attemptFailed('a', 'upstream said 500');
    request.attempt({ provider: 'b', model: 'm2', apiType: 'messages', apiKey: null });
    const document = request.document({ status: 'success', httpStatus: 200, error: null });
    expect(document['attempts']).toMatchObject([
      { provider: 'a', error: 'upstream said 500' },
      { provider: 'b', error: null },
    ]);
    expect(document).toMatchObject({ provider: 'b', model: 'm2', transformedResponse: null });
    expect(request.providers).toEqual(['a', 'b']);
  });
});
