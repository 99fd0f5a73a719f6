import { REDACTED, maskSecrets, presentedSecrets, redactBody, redactHeaders, redactUrl } from './redaction';

describe('redaction', () => {
  it('masks credential headers whatever their case', () => {
    expect(
      redactHeaders({
        Authorization: 'Bearer sk-1',
        'x-api-key': 'k',
        'X-Goog-Api-Key': 'g',
        cookie: 'c',
        'content-type': 'application/json',
      }),
    ).toEqual({
      Authorization: REDACTED,
      'x-api-key': REDACTED,
      'X-Goog-Api-Key': REDACTED,
      cookie: REDACTED,
      'content-type': 'application/json',
    });
  });

  it('masks headers whose names say they carry a credential', () => {
    expect(
      redactHeaders({
        'x-custom-auth': 'a',
        'X-Portkey-Virtual-Key': 'b',
        'x-session-id': 'c',
        'openai-organization': 'org-1',
      }),
    ).toEqual({
      'x-custom-auth': REDACTED,
      'X-Portkey-Virtual-Key': REDACTED,
      'x-session-id': REDACTED,
      'openai-organization': 'org-1',
    });
    expect(
      redactHeaders({ 'x-ratelimit-remaining-tokens': '9000', 'anthropic-ratelimit-tokens-remaining': '100' }),
    ).toEqual({
      'x-ratelimit-remaining-tokens': '9000',
      'anthropic-ratelimit-tokens-remaining': '100',
    });
  });

  it('masks credential query parameters and keeps the others', () => {
    expect(redactUrl('https://g.example/v1beta/models/m:generateContent?key=AIzaSecret&alt=sse')).toBe(
      `https://g.example/v1beta/models/m:generateContent?key=${encodeURIComponent(REDACTED)}&alt=sse`,
    );
    expect(redactUrl('https://api.example/v1/chat')).toBe('https://api.example/v1/chat');
  });

  it('masks credential-named fields at any depth, leaving content alone', () => {
    expect(
      redactBody({
        api_key: 'x',
        nested: [{ apiKey: 'y', client_secret: 'z', text: 'key', provisioningKey: 'p', token: 't' }],
        messages: [{ content: 'hi' }],
      }),
    ).toEqual({
      api_key: REDACTED,
      nested: [{ apiKey: REDACTED, client_secret: REDACTED, text: 'key', provisioningKey: REDACTED, token: REDACTED }],
      messages: [{ content: 'hi' }],
    });
  });

  it('masks every occurrence of known secrets, ignoring ones too short to be secrets', () => {
    expect(maskSecrets('a sk-longsecret b "sk-longsecret" c', ['sk-longsecret', 'abc', null])).toBe(
      `a ${REDACTED} b "${REDACTED}" c`,
    );
  });

  it("finds the client's presented secret in headers and the query, with and without an attribution suffix", () => {
    expect(presentedSecrets({ authorization: 'Bearer sk-client:copilot' }, '/v1/chat/completions')).toEqual([
      'sk-client:copilot',
      'sk-client',
    ]);
    expect(presentedSecrets({}, '/v1beta/models/m:generateContent?key=sk-gemini-client')).toEqual(['sk-gemini-client']);
  });
});
