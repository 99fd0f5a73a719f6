import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  callManagement,
  createTestDatabase,
  McpUpstream,
  startGateway,
  type GatewayProcess,
  type TestDatabase,
} from '@plexus/testing';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ADMIN_KEY = 'mcp-servers-admin';

/** A local MCP server program: Streamable HTTP on 127.0.0.1:<argv[2]>/mcp, one tool `pid` naming the process. */
function localServerScript(): string {
  const mcp = require.resolve('@modelcontextprotocol/sdk/server/mcp.js');
  const http = require.resolve('@modelcontextprotocol/sdk/server/streamableHttp.js');
  return `
const { McpServer } = require(${JSON.stringify(mcp)});
const { StreamableHTTPServerTransport } = require(${JSON.stringify(http)});
const port = Number(process.argv[2]);
require('node:http').createServer(async (request, response) => {
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  const body = chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString()) : undefined;
  const server = new McpServer({ name: 'local', version: '1.0.0' });
  server.registerTool('pid', {}, () => ({ content: [{ type: 'text', text: String(process.pid) }] }));
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  await server.connect(transport);
  await transport.handleRequest(request, response, body);
}).listen(port, '127.0.0.1', () => console.log('local MCP server listening on ' + port));
`;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('MCP servers: management, local processes, replicas', () => {
  let database: TestDatabase;
  let upstream: McpUpstream;
  let gateway: GatewayProcess;
  let replica: GatewayProcess;
  let scriptDir: string;

  const admin = (method: string, path: string, body?: unknown): Promise<Response> =>
    callManagement(gateway.url, ADMIN_KEY, method, path, body);
  const toolText = (result: unknown): string => (result as { content: { text: string }[] }).content[0].text;

  beforeAll(async () => {
    [database, upstream] = await Promise.all([createTestDatabase(), McpUpstream.start()]);
    gateway = await startGateway({ ADMIN_KEY, DATABASE_URL: database.url });
    scriptDir = mkdtempSync(join(tmpdir(), 'plexus-mcp-'));
    writeFileSync(join(scriptDir, 'server.cjs'), localServerScript());
    expect((await admin('PUT', '/keys/dev', { secret: 'sk-dev' })).status).toBe(200);
    expect((await admin('PUT', '/keys/other', { secret: 'sk-other' })).status).toBe(200);
    // API keys load at boot: the replica starts once they exist.
    replica = await startGateway({ ADMIN_KEY, DATABASE_URL: database.url });
  });

  afterAll(async () => {
    await Promise.all([gateway?.stop(), replica?.stop()]);
    await Promise.all([upstream?.stop(), database?.drop()]);
    rmSync(scriptDir, { recursive: true, force: true });
  });

  it('creates, reads (headers masked), patches and deletes a server; refuses bad names and bodies', async () => {
    expect(
      (
        await admin('PUT', '/mcp-servers/github', {
          upstream_url: upstream.url,
          headers: { authorization: 'Bearer ghp-secret-1234' },
        })
      ).status,
    ).toBe(200);
    const listed = (await (await admin('GET', '/mcp-servers')).json()) as Record<
      string,
      { headers: Record<string, string> }
    >;
    expect(listed['github'].headers['authorization']).toBe('Bea...1234');
    // The masked value sent back keeps the stored secret.
    expect(
      (await admin('PATCH', '/mcp-servers/github', { headers: listed['github'].headers, enabled: false })).status,
    ).toBe(200);
    const one = (await (await admin('GET', '/mcp-servers/github')).json()) as Record<string, unknown>;
    expect(one).toMatchObject({ name: 'github', enabled: false, headers: { authorization: 'Bea...1234' } });
    expect((await admin('PUT', '/mcp-servers/plexus', { upstream_url: upstream.url })).status).toBe(400);
    expect((await admin('PUT', '/mcp-servers/Bad Name', { upstream_url: upstream.url })).status).toBe(400);
    expect((await admin('PUT', '/mcp-servers/nourl', { enabled: true })).status).toBe(400);
    expect((await admin('DELETE', '/mcp-servers/github')).status).toBe(200);
    expect((await admin('GET', '/mcp-servers/github')).status).toBe(404);
  });

  it('continues a session opened through one replica on another', async () => {
    expect((await admin('PUT', '/mcp-servers/shared', { upstream_url: upstream.url })).status).toBe(200);
    const client = new Client({ name: 'e2e', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(`${gateway.url}/mcp/shared`), {
      requestInit: { headers: { authorization: 'Bearer sk-dev' } },
    });
    await client.connect(transport);
    await client.callTool({ name: 'count', arguments: {} });
    const call = (key: string): Promise<Response> =>
      fetch(`${replica.url}/mcp/shared`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-session-id': transport.sessionId!,
          'mcp-protocol-version': transport.protocolVersion ?? '2025-06-18',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'count', arguments: {} } }),
      });
    const response = await call('sk-dev');
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('"text":"2"');
    // Another key can't ride on the session.
    expect((await call('sk-other')).status).toBe(404);
    await client.close();
  });

  it('runs a local server: started on first use, stopped and restarted by an admin, restarted after a crash', async () => {
    const port = await freePort();
    expect(
      (
        await admin('PUT', '/mcp-servers/local', {
          mode: 'local_http',
          command: process.execPath,
          args: [join(scriptDir, 'server.cjs'), String(port)],
          port,
        })
      ).status,
    ).toBe(200);
    const pidThroughGateway = async (): Promise<string> => {
      const client = new Client({ name: 'e2e', version: '1.0.0' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(`${gateway.url}/mcp/local`), {
          requestInit: { headers: { authorization: 'Bearer sk-dev' } },
        }),
      );
      try {
        return toolText(await client.callTool({ name: 'pid', arguments: {} }));
      } finally {
        await client.close();
      }
    };
    const first = await pidThroughGateway();
    const status = (await (await admin('GET', '/mcp-servers/local/status')).json()) as { status: string; pid: number };
    expect(status).toMatchObject({ status: 'running', pid: Number(first) });
    const logs = (await (await admin('GET', '/mcp-servers/local/process-logs')).json()) as { data: string[] };
    expect(logs.data).toContain(`local MCP server listening on ${port}`);

    process.kill(Number(first), 'SIGKILL');
    const restarted = await eventually(async () => {
      const now = (await (await admin('GET', '/mcp-servers/local/status')).json()) as {
        status: string;
        pid: number | null;
        restarts: number;
      };
      return now.status === 'running' && now.pid !== Number(first) ? now : undefined;
    });
    expect(restarted.restarts).toBe(1);
    expect(await pidThroughGateway()).toBe(String(restarted.pid));

    expect(((await (await admin('POST', '/mcp-servers/local/stop')).json()) as { status: string }).status).toBe(
      'stopped',
    );
    const again = (await (await admin('POST', '/mcp-servers/local/restart')).json()) as { status: string; pid: number };
    expect(again.status).toBe('running');
    expect(await pidThroughGateway()).toBe(String(again.pid));
  });
  it('serves the management MCP server /mcp/plexus to admins: tools, redacted secrets, acknowledged destruction, the switch', async () => {
    expect(
      (await admin('PUT', '/providers/openai', { api_base_url: upstream.url, api_key: 'sk-provider-secret-123' }))
        .status,
    ).toBe(200);
    const client = new Client({ name: 'e2e-admin', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${gateway.url}/mcp/plexus`), {
        requestInit: { headers: { 'x-admin-key': ADMIN_KEY } },
      }),
    );
    const names = (await client.listTools()).tools.map((tool) => tool.name);
    expect(names).toEqual(
      expect.arrayContaining(['plexus_provider', 'plexus_key', 'plexus_mcp_gateway', 'plexus_settings']),
    );
    const providers = toolText(await client.callTool({ name: 'plexus_provider', arguments: { operation: 'list' } }));
    expect(providers).toContain('openai');
    expect(providers).toContain('[REDACTED]');
    expect(providers).not.toContain('sk-provider-secret-123');

    const refused = await client.callTool({ name: 'plexus_key', arguments: { operation: 'delete', name: 'other' } });
    expect(refused.isError).toBe(true);
    expect(toolText(refused)).toContain('confirmation_required');
    expect((await admin('GET', '/keys/other')).status).toBe(200);
    const deleted = await client.callTool({
      name: 'plexus_key',
      arguments: { operation: 'delete', name: 'other', destructive: 'acknowledged' },
    });
    expect(deleted.isError).toBeFalsy();
    expect((await admin('GET', '/keys/other')).status).toBe(404);
    const guide = await client.getPrompt({ name: 'plexus_management_guide' });
    expect(JSON.stringify(guide.messages)).toContain('acknowledged');
    await client.close();

    const initialize = {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } },
    };
    const post = (headers: Record<string, string>): Promise<Response> =>
      fetch(`${gateway.url}/mcp/plexus`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
        body: JSON.stringify(initialize),
      });
    expect((await post({ authorization: 'Bearer sk-dev' })).status).toBe(403);
    expect((await post({})).status).toBe(401);
    expect((await admin('PATCH', '/config/mcp-enabled', { enabled: false })).status).toBe(200);
    const disabled = await post({ 'x-admin-key': ADMIN_KEY });
    expect(disabled.status).toBe(418);
    expect(await disabled.json()).toMatchObject({ error: { type: 'mcp_disabled' } });
    expect(await (await admin('GET', '/config/mcp-enabled')).json()).toEqual({ enabled: false });
  });
});
