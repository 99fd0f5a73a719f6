import { GATEWAY_MAIN, ScriptedUpstream, chatCompletionBody, startGateway } from '@plexus/testing';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { queryEmbeddedDatabase } from './embedded-database';

const ADMIN_KEY = 'encryption-admin';
const KEY_ONE = '1'.repeat(64);
const KEY_TWO = '2'.repeat(64);
const UPSTREAM_SECRET = 'sk-upstream-very-secret';
const CLIENT_SECRET = 'sk-client-very-secret';

describe('secrets at rest (AES-256-GCM with ENCRYPTION_KEY)', () => {
  let dataDir: string;
  let upstream: ScriptedUpstream;

  const storedSecrets = async (): Promise<string[]> => {
    const providers = await queryEmbeddedDatabase<{ api_key: string }>(dataDir, 'SELECT api_key FROM providers');
    const keys = await queryEmbeddedDatabase<{ secret: string }>(dataDir, 'SELECT secret FROM api_keys');
    return [...providers.map((row) => row.api_key), ...keys.map((row) => row.secret)];
  };

  /** Starts the gateway, sends one chat completion, stops it; returns the upstream's Authorization. */
  const roundTrip = async (env: Record<string, string>): Promise<string | undefined> => {
    const gateway = await startGateway({ ADMIN_KEY, DATA_DIR: dataDir, ...env });
    try {
      upstream.requests.length = 0;
      const response = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${CLIENT_SECRET}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'direct/up/m', messages: [{ role: 'user', content: 'x' }] }),
      });
      expect(response.status).toBe(200);
      return upstream.requests[0]?.headers['authorization'];
    } finally {
      expect(await gateway.stop()).toBe(0);
    }
  };

  const startFails = (env: Record<string, string>): string => {
    const result = spawnSync(process.execPath, [GATEWAY_MAIN], {
      env: { PATH: process.env['PATH'] ?? '', ADMIN_KEY, DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0', ...env },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    return result.stderr;
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'plexus-encryption-'));
    upstream = await ScriptedUpstream.start();
    upstream.script(() => ({ kind: 'json', body: chatCompletionBody({ model: 'm', content: 'ok' }) }));
    const gateway = await startGateway({ ADMIN_KEY, DATA_DIR: dataDir });
    const put = (path: string, body: unknown): Promise<Response> =>
      fetch(`${gateway.url}/v0/management${path}`, {
        method: 'PUT',
        headers: { 'x-admin-key': ADMIN_KEY, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await put('/providers/up', { api_base_url: `${upstream.url}/v1`, api_key: UPSTREAM_SECRET })).status).toBe(
      200,
    );
    expect((await put('/keys/client', { secret: CLIENT_SECRET })).status).toBe(200);
    await gateway.stop();
  });

  afterAll(async () => {
    await upstream?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stores secrets in plaintext without a key, and encrypts them at the first start with one', async () => {
    expect(await storedSecrets()).toEqual([UPSTREAM_SECRET, CLIENT_SECRET]);
    expect(await roundTrip({ ENCRYPTION_KEY: KEY_ONE })).toBe(`Bearer ${UPSTREAM_SECRET}`);
    const stored = await storedSecrets();
    expect(stored.every((value) => value.startsWith('enc:v1:'))).toBe(true);
    expect(stored.join(' ')).not.toContain('very-secret');
  });

  it('refuses to start without the key, or with another one, saying why in one line', () => {
    expect(startFails({}).trim()).toBe(
      'plexus: failed: The database holds encrypted secrets but ENCRYPTION_KEY is not set',
    );
    expect(startFails({ ENCRYPTION_KEY: KEY_TWO })).toMatch(/not the key it was encrypted with/);
  });

  it('rekeys every secret in one go, after which only the new key works', async () => {
    const rekey = spawnSync(process.execPath, [GATEWAY_MAIN, 'rekey'], {
      env: {
        PATH: process.env['PATH'] ?? '',
        DATA_DIR: dataDir,
        ENCRYPTION_KEY: KEY_ONE,
        NEW_ENCRYPTION_KEY: KEY_TWO,
        LOG_LEVEL: 'warn',
      },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(rekey.stderr).toBe('');
    expect(rekey.stdout).toMatch(/re-encrypted 2 secrets/);
    expect(await roundTrip({ ENCRYPTION_KEY: KEY_TWO })).toBe(`Bearer ${UPSTREAM_SECRET}`);
    startFails({ ENCRYPTION_KEY: KEY_ONE });
  });

  it('encrypts secrets written through the management API', async () => {
    const gateway = await startGateway({ ADMIN_KEY, DATA_DIR: dataDir, ENCRYPTION_KEY: KEY_TWO });
    const headers = { 'x-admin-key': ADMIN_KEY, 'content-type': 'application/json' };
    await fetch(`${gateway.url}/v0/management/keys/second`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ secret: 'sk-second-very-secret' }),
    });
    await fetch(`${gateway.url}/v0/management/providers/up`, {
      method: 'PATCH',
      headers,
      body: JSON.stringify({ api_key: 'sk-rotated-very-secret' }),
    });
    await gateway.stop();
    const stored = await storedSecrets();
    expect(stored).toHaveLength(3);
    expect(stored.every((value) => value.startsWith('enc:v1:'))).toBe(true);
    expect(stored.join(' ')).not.toContain('very-secret');
  });
});
