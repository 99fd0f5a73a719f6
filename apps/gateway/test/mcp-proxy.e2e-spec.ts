import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LoggingMessageNotificationSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import {
  callManagement,
  createTestDatabase,
  McpUpstream,
  startGateway,
  type GatewayProcess,
  type TestDatabase,
} from '@plexus/testing';

const ADMIN_KEY = 'mcp-proxy-admin';

function text(result: unknown): string {
  return ((result as { content: { text: string }[] }).content[0] ?? { text: '' }).text;
}

describe('the MCP proxy /mcp/{name}', () => {
  let database: TestDatabase;
  let upstream: McpUpstream;
  let jsonUpstream: McpUpstream;
  let gateway: GatewayProcess;
  const clients: Client[] = [];

  const admin = async (method: string, path: string, body?: unknown): Promise<Response> => {
    const response = await callManagement(gateway.url, ADMIN_KEY, method, path, body);
    if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response;
  };

  async function connect(server: string, key: string): Promise<Client> {
    const client = new Client({ name: 'e2e', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(`${gateway.url}/mcp/${server}`), {
      requestInit: { headers: { authorization: `Bearer ${key}` } },
    });
    await client.connect(transport);
    clients.push(client);
    return client;
  }

  beforeAll(async () => {
    [database, upstream, jsonUpstream] = await Promise.all([
      createTestDatabase(),
      McpUpstream.start(),
      McpUpstream.start({ jsonResponse: true }),
    ]);
    gateway = await startGateway({ ADMIN_KEY, DATABASE_URL: database.url });
    await admin('PUT', '/mcp-servers/tools', {
      upstream_url: upstream.url,
      headers: { 'x-team': 'platform' },
      timeout_ms: 1500,
    });
    await admin('PUT', '/mcp-servers/json-tools', { upstream_url: jsonUpstream.url, timeout_ms: 1000 });
    await admin('PUT', '/keys/dev', { secret: 'sk-dev' });
    await admin('PUT', '/keys/limited', {
      secret: 'sk-limited',
      allowedMcpServers: ['tools'],
      mcpToolPolicy: { tools: { deny: ['secret'] } },
    });
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
    await gateway?.stop();
    await Promise.all([upstream?.stop(), jsonUpstream?.stop(), database?.drop()]);
  });

  it('initializes, lists and calls tools, reads a resource, relays progress and GET-stream notifications', async () => {
    const client = await connect('tools', 'sk-dev');
    const tools = await client.listTools();
    expect(tools.tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(['echo', 'secret', 'progress']));
    expect(text(await client.callTool({ name: 'echo', arguments: { text: 'hi there' } }))).toBe('hi there');
    const resource = await client.readResource({ uri: 'note://hello' });
    expect(resource.contents[0]).toMatchObject({ text: 'hello from the note' });

    const progress: number[] = [];
    const result = await client.callTool({ name: 'progress', arguments: {} }, undefined, {
      onprogress: (update) => progress.push(update.progress),
    });
    expect(text(result)).toBe('done');
    expect(progress).toEqual([1, 2]);

    const announced = new Promise<unknown>((resolve) =>
      client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) =>
        resolve(notification.params.data),
      ),
    );
    // The GET stream opens once the session is initialized; give it a moment to be there.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await client.callTool({ name: 'announce', arguments: {} });
    await expect(announced).resolves.toBe('announced');
  });

  it('drops the client credentials, injects the static headers, and hands out its own session id', async () => {
    const client = await connect('tools', 'sk-dev');
    await client.callTool({ name: 'echo', arguments: { text: 'x' } });
    const seen = upstream.calls.at(-1)!;
    expect(seen.headers['authorization']).toBeUndefined();
    expect(seen.headers['x-team']).toBe('platform');
    expect(seen.headers['mcp-protocol-version']).toBeDefined();
    const clientSession = (client.transport as StreamableHTTPClientTransport).sessionId!;
    expect(clientSession).toMatch(/^plx1\./);
    expect(seen.headers['mcp-session-id']).not.toBe(clientSession);
  });

  it('keeps each client in its own upstream session', async () => {
    const [first, second] = await Promise.all([connect('tools', 'sk-dev'), connect('tools', 'sk-dev')]);
    await first.callTool({ name: 'count', arguments: {} });
    await first.callTool({ name: 'count', arguments: {} });
    expect(text(await first.callTool({ name: 'count', arguments: {} }))).toBe('3');
    expect(text(await second.callTool({ name: 'count', arguments: {} }))).toBe('1');
  });

  it('refuses a missing or wrong key with WWW-Authenticate naming the protected-resource metadata', async () => {
    const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: {} };
    for (const headers of [{}, { authorization: 'Bearer sk-wrong' }]) {
      const response = await fetch(`${gateway.url}/mcp/tools`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
        body: JSON.stringify(initialize),
      });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe(
        `Bearer resource_metadata="${gateway.url}/.well-known/oauth-protected-resource/mcp/tools"`,
      );
    }
  });

  it("hides a tool the key's policy denies and refuses to call it; refuses servers off the key's list", async () => {
    const client = await connect('tools', 'sk-limited');
    const names = (await client.listTools()).tools.map((tool) => tool.name);
    expect(names).toContain('echo');
    expect(names).not.toContain('secret');
    const before = upstream.calls.length;
    await expect(client.callTool({ name: 'secret', arguments: {} })).rejects.toThrow(/Unknown tool: secret/);
    expect(upstream.calls.length).toBe(before);
    await expect(connect('json-tools', 'sk-limited')).rejects.toThrow(/may not use MCP server 'json-tools'/);
  });

  it('turns an upstream dying mid-call into a JSON-RPC error, and the next call works', async () => {
    const client = await connect('tools', 'sk-dev');
    const failure = await client.callTool({ name: 'die', arguments: {} }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(McpError);
    expect((failure as McpError).message).toMatch(/broke off|ended the stream/);
    expect(text(await client.callTool({ name: 'echo', arguments: { text: 'still here' } }))).toBe('still here');
  });

  it('times out a hung upstream: 504 upstream_timeout for a JSON answer, a JSON-RPC error inside a stream', async () => {
    const json = await connect('json-tools', 'sk-dev');
    await expect(json.callTool({ name: 'hang', arguments: {} })).rejects.toThrow(/504|did not answer/);
    expect(text(await json.callTool({ name: 'echo', arguments: { text: 'after' } }))).toBe('after');
    const streamed = await connect('tools', 'sk-dev');
    await expect(streamed.callTool({ name: 'hang', arguments: {} })).rejects.toThrow(/silent|timeout/);
  });

  it('rotates upstream keys on 429 for a new session, and a session keeps its key', async () => {
    await admin('PUT', '/mcp-servers/keyed', { upstream_url: upstream.url });
    await admin('POST', '/mcp-servers/keyed/keys', { key: 'up-key-alpha' });
    await admin('POST', '/mcp-servers/keyed/keys', { key: 'up-key-bravo' });
    upstream.refuse = (call) =>
      call.headers['authorization'] === 'Bearer up-key-alpha' &&
      (call.body as { method?: string })?.method === 'initialize'
        ? 429
        : undefined;
    const client = await connect('keyed', 'sk-dev');
    expect(text(await client.callTool({ name: 'whoami', arguments: {} }))).toBe('Bearer up-key-bravo');
    // Key bravo is now refused too: the session gets the 429, and does not move to key alpha.
    upstream.refuse = (call) => (call.headers['authorization'] === 'Bearer up-key-bravo' ? 429 : undefined);
    await expect(client.callTool({ name: 'whoami', arguments: {} })).rejects.toThrow(/refused by the test/);
    upstream.refuse = null;
    expect(text(await client.callTool({ name: 'whoami', arguments: {} }))).toBe('Bearer up-key-bravo');
    const keys = (await (await admin('GET', '/mcp-servers/keyed/keys')).json()) as {
      keys: { key: string; cooldown_until: string | null }[];
    };
    expect(keys.keys.map((key) => key.key)).toEqual(['up-...lpha', 'up-...ravo']);
    expect(keys.keys.every((key) => key.cooldown_until !== null)).toBe(true);
  });

  it('records every MCP request in the MCP logs', async () => {
    const client = await connect('tools', 'sk-dev');
    await client.callTool({ name: 'echo', arguments: { text: 'logged' } });
    const page = (await (await admin('GET', '/mcp-logs?serverName=tools&limit=200')).json()) as {
      data: {
        jsonrpc_method: string | null;
        tool_name: string | null;
        api_key: string | null;
        response_status: number;
      }[];
      total: number;
    };
    expect(page.data).toContainEqual(
      expect.objectContaining({
        jsonrpc_method: 'tools/call',
        tool_name: 'echo',
        api_key: 'dev',
        response_status: 200,
      }),
    );
    expect(page.data).toContainEqual(expect.objectContaining({ response_status: 401, api_key: null }));
    const metrics = await (await admin('GET', '/metrics')).text();
    expect(metrics).toMatch(
      /plexus_mcp_requests_total\{server="tools",method="POST",jsonrpc_method="tools\/call",status="200"\} \d+/,
    );
  });
  it("counts MCP requests against the key's request quota", async () => {
    await admin('PUT', '/user-quotas/mcp-three', { type: 'daily', limitType: 'requests', limit: 3 });
    await admin('PUT', '/keys/metered', { secret: 'sk-metered', quota: 'mcp-three' });
    // initialize and notifications/initialized are the first two requests, one tool call the third.
    const client = await connect('tools', 'sk-metered');
    expect(text(await client.callTool({ name: 'echo', arguments: { text: 'third' } }))).toBe('third');
    await expect(client.callTool({ name: 'echo', arguments: { text: 'fourth' } })).rejects.toThrow(/quota/i);
  });
});
