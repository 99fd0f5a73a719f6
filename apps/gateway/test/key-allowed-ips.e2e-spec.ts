import {
  callManagement,
  ScriptedUpstream,
  chatCompletionBody,
  createTestDatabase,
  startGateway,
  type GatewayProcess,
  type TestDatabase,
} from '@plexus/testing';

const ADMIN_KEY = 'allowed-ips-admin';

describe("an API key's allowedIps", () => {
  let database: TestDatabase;
  let upstream: ScriptedUpstream;
  let gateway: GatewayProcess;

  const admin = (method: string, path: string, body?: unknown): Promise<Response> =>
    callManagement(gateway.url, ADMIN_KEY, method, path, body);
  const chat = (key: string, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
    });

  beforeAll(async () => {
    [database, upstream] = await Promise.all([createTestDatabase(), ScriptedUpstream.start()]);
    // Loopback is the trusted proxy here, so X-Forwarded-For names the client.
    gateway = await startGateway({ ADMIN_KEY, DATABASE_URL: database.url, TRUSTED_PROXIES: '127.0.0.1' });
    upstream.script(() => ({ kind: 'json', body: chatCompletionBody({ model: 'up', content: 'hello' }) }));
    expect((await admin('PUT', '/providers/p', { api_base_url: `${upstream.url}/v1`, api_key: 'sk-up' })).status).toBe(
      200,
    );
    expect(
      (
        await admin('PUT', '/aliases/m', {
          target_groups: [{ name: 'g', selector: 'in_order', targets: [{ provider: 'p', model: 'up' }] }],
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await admin('PUT', '/keys/office', {
          secret: 'sk-office',
          allowedIps: ['10.0.0.0/8', '192.168.1.1-192.168.1.9'],
        })
      ).status,
    ).toBe(200);
    expect((await admin('PUT', '/keys/anywhere', { secret: 'sk-anywhere' })).status).toBe(200);
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([upstream?.stop(), database?.drop()]);
  });

  it('admits the key from an allowed address and refuses it from any other, in the client format', async () => {
    expect((await chat('sk-office', { 'x-forwarded-for': '10.20.30.40' })).status).toBe(200);
    expect((await chat('sk-office', { 'x-forwarded-for': '192.168.1.5' })).status).toBe(200);
    const refused = await chat('sk-office', { 'x-forwarded-for': '192.168.1.10' });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: { message: 'API key is not allowed from this address' } });
    expect((await chat('sk-office')).status).toBe(401);
    expect((await chat('sk-anywhere', { 'x-forwarded-for': '203.0.113.7' })).status).toBe(200);
  });

  it('takes the right-most untrusted hop, so a client cannot prepend an allowed address', async () => {
    expect((await chat('sk-office', { 'x-forwarded-for': '10.0.0.1, 203.0.113.7' })).status).toBe(401);
  });

  it('applies to the key holder on the management API too', async () => {
    expect((await callManagement(gateway.url, 'sk-office', 'GET', '/self/me')).status).toBe(401);
    const allowed = await fetch(`${gateway.url}/v0/management/self/me`, {
      headers: { 'x-admin-key': 'sk-office', 'x-forwarded-for': '10.9.9.9' },
    });
    expect(allowed.status).toBe(200);
  });

  it('refuses a rule that is not an address, CIDR or range, naming it', async () => {
    const response = await admin('PUT', '/keys/bad', { secret: 'sk-bad', allowedIps: ['10.0.0.0/8', 'not-an-ip'] });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('not-an-ip');
  });
});
