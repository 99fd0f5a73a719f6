import {
  callManagement,
  chatCompletionBody,
  createTestDatabase,
  ScriptedUpstream,
  startGateway,
  waitForUsageRow,
  type GatewayProcess,
  type TestDatabase,
} from '@plexus/testing';

const ADMIN_KEY = 'context-admin';
const KEY = 'sk-context-client';
/** About 3,000 tokens: more than the small target's 1,000-token window, far less than the large one's. */
const LONG_TEXT = 'lorem ipsum dolor sit amet '.repeat(600);

interface Reply {
  status: number;
  body: Record<string, unknown>;
  requestId: string;
}

/**
 * Context limits and compaction through the built gateway: enforce_limits passes over a
 * target too small for the request (recorded as context_window) or, when none is large
 * enough, refuses with context_length_exceeded in the client's format before any upstream
 * call; compaction shrinks an old 200 KB tool result so the request fits, keeping the
 * recent turns whole.
 */
describe('context limits and compaction through the built gateway', () => {
  let database: TestDatabase;
  let upstream: ScriptedUpstream;
  let gateway: GatewayProcess;

  const admin = (method: string, path: string, body?: unknown): Promise<Response> =>
    callManagement(gateway.url, ADMIN_KEY, method, path, body);

  const post = async (path: string, body: unknown, headers: Record<string, string> = {}): Promise<Reply> => {
    const response = await fetch(`${gateway.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      body: (await response.json()) as Record<string, unknown>,
      requestId: response.headers.get('x-request-id') ?? '',
    };
  };

  const alias = (targets: string[], extra: Record<string, unknown> = {}) => ({
    enforce_limits: true,
    ...extra,
    target_groups: [{ name: 'g', selector: 'in_order', targets: targets.map((model) => ({ provider: 'u', model })) }],
  });

  beforeAll(async () => {
    [database, upstream] = await Promise.all([createTestDatabase(), ScriptedUpstream.start()]);
    gateway = await startGateway({ ADMIN_KEY, DATABASE_URL: database.url });
    upstream.script((request) => ({
      kind: 'json',
      body: chatCompletionBody({ model: String((request.body as { model: string }).model), content: 'fits' }),
    }));
    await admin('PUT', '/providers/u', {
      api_base_url: `${upstream.url}/v1`,
      models: {
        small: { context_length: 1000 },
        medium: { context_length: 20000 },
        large: { context_length: 100000 },
      },
    });
    await admin('PUT', '/aliases/fits', alias(['small', 'large']));
    await admin('PUT', '/aliases/tight', alias(['small']));
    await admin('PUT', '/aliases/compact', alias(['medium'], { compaction: { enabled: true, protectRecent: 2 } }));
    await admin('PUT', '/keys/client', { secret: KEY });
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([upstream?.stop(), database?.drop()]);
  });

  beforeEach(() => {
    upstream.requests.length = 0;
  });

  it('passes over the target too small for the request and answers from the larger one', async () => {
    const reply = await post('/v1/chat/completions', {
      model: 'fits',
      max_tokens: 200,
      messages: [{ role: 'user', content: LONG_TEXT }],
    });
    expect(reply.status).toBe(200);
    expect(upstream.requests.map((request) => (request.body as { model: string }).model)).toEqual(['large']);
    const row = await waitForUsageRow(database.url, reply.requestId);
    const history = row['retry_history'] as Array<{ model: string; status: string; reason?: string }>;
    expect(history[0]).toMatchObject({ model: 'small', status: 'skipped' });
    expect(history[0].reason).toMatch(/^context_window: .*1000-token context window of u\/small/);
    expect(row['attempt_count']).toBe(1);
  });

  it('lets a request that fits through to the first target', async () => {
    const reply = await post('/v1/chat/completions', {
      model: 'fits',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'short' }],
    });
    expect(reply.status).toBe(200);
    expect((upstream.requests[0].body as { model: string }).model).toBe('small');
  });

  it('refuses with context_length_exceeded in each client format, before any upstream call', async () => {
    const chat = await post('/v1/chat/completions', {
      model: 'tight',
      messages: [{ role: 'user', content: LONG_TEXT }],
    });
    expect(chat.status).toBe(400);
    expect(chat.body['error']).toMatchObject({ type: 'invalid_request_error', code: 'context_length_exceeded' });

    const responses = await post('/v1/responses', { model: 'tight', input: LONG_TEXT });
    expect(responses.status).toBe(400);
    expect(responses.body['error']).toMatchObject({ code: 'context_length_exceeded' });

    const messages = await post(
      '/v1/messages',
      { model: 'tight', max_tokens: 100, messages: [{ role: 'user', content: LONG_TEXT }] },
      { 'anthropic-version': '2023-06-01' },
    );
    expect(messages.status).toBe(400);
    expect(messages.body).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    expect(JSON.stringify(messages.body)).toMatch(/context window/);

    const gemini = await post('/v1beta/models/tight:generateContent', {
      contents: [{ role: 'user', parts: [{ text: LONG_TEXT }] }],
    });
    expect(gemini.status).toBe(400);
    expect(gemini.body['error']).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    expect(JSON.stringify(gemini.body)).toMatch(/context window/);

    expect(upstream.requests).toHaveLength(0);
  });

  it('compacts an old 200 KB tool result below the trigger, keeping the recent turns whole', async () => {
    const log = Array.from({ length: 4800 }, (_, line) => `line ${line}: lorem ipsum dolor sit amet, elit\n`).join('');
    expect(log.length).toBeGreaterThan(200_000);
    const recent = [
      { role: 'assistant', content: 'The log is long; I read all of it.' },
      { role: 'user', content: 'Summarise the last error, please.' },
    ];
    const reply = await post('/v1/chat/completions', {
      model: 'compact',
      max_tokens: 500,
      tools: [
        {
          type: 'function',
          function: { name: 'read_log', parameters: { type: 'object', properties: { path: { type: 'string' } } } },
        },
      ],
      messages: [
        { role: 'system', content: 'You are an operations helper.' },
        { role: 'user', content: 'Read the application log.' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'read_log', arguments: '{"path":"/var/log/app.log"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: log },
        ...recent,
      ],
    });
    expect(reply.status).toBe(200);
    const sent = upstream.requests[0].body as {
      messages: Array<{ role: string; content: unknown; tool_call_id?: string; tool_calls?: unknown[] }>;
    };
    const tool = sent.messages.find((message) => message.role === 'tool');
    const toolText = JSON.stringify(tool?.content);
    expect(tool?.tool_call_id).toBe('call_1');
    expect(toolText.length).toBeLessThan(10_000);
    expect(toolText).toMatch(/characters compacted/);
    expect(toolText).toContain('line 0: lorem');
    expect(sent.messages.some((message) => JSON.stringify(message.tool_calls ?? []).includes('call_1'))).toBe(true);
    expect(JSON.stringify(sent.messages[0])).toContain('You are an operations helper.');
    const tail = sent.messages.slice(-2).map((message) => ({
      role: message.role,
      content: typeof message.content === 'string' ? message.content : JSON.stringify(message.content),
    }));
    expect(tail[0].content).toContain(recent[0].content);
    expect(tail[1].content).toContain(recent[1].content);

    const row = await waitForUsageRow(database.url, reply.requestId);
    const before = row['compaction_tokens_before'] as number;
    const after = row['compaction_tokens_after'] as number;
    expect(before).toBeGreaterThan(16_000);
    expect(after).toBeLessThan(16_000);
    expect(row['is_passthrough']).toBe(false);
  });
});
