import {
  mapMcpServerSecrets,
  MCP_SERVERS_SETTING,
  mcpServerSecretsOf,
  settingValueOf,
  storedSettingValue,
} from './mcp-server-secrets';
import { SecretCipher, useSecretCipher } from './secret-cipher';

const servers = {
  github: {
    mode: 'remote_http',
    upstream_url: 'https://mcp.example.com/mcp',
    enabled: true,
    headers: { Authorization: 'Bearer ghp-0001' },
    auth_scheme: 'bearer',
  },
  local: {
    mode: 'stdio',
    command: 'npx',
    args: ['-y', 'server', '--token=tok-0002'],
    env: { API_KEY: 'env-0003', RETRIES: 3 },
  },
};

describe('MCP server secrets', () => {
  afterEach(() => useSecretCipher(new SecretCipher()));

  it('are every header and env value and every argument, by path; other fields stay', () => {
    expect(mcpServerSecretsOf(servers)).toEqual(
      new Map([
        ['github.headers.Authorization', 'Bearer ghp-0001'],
        ['local.env.API_KEY', 'env-0003'],
        ['local.args.0', '-y'],
        ['local.args.1', 'server'],
        ['local.args.2', '--token=tok-0002'],
      ]),
    );
    const mapped = mapMcpServerSecrets(servers, (value) => value.toUpperCase());
    expect(mapped.github).toEqual({ ...servers.github, headers: { Authorization: 'BEARER GHP-0001' } });
    expect(mapped.local.env).toEqual({ API_KEY: 'ENV-0003', RETRIES: 3 });
    expect(servers.local.args[2]).toBe('--token=tok-0002');
    const none = { bare: { mode: 'remote_http', upstream_url: 'https://x' } };
    expect(mapMcpServerSecrets(none, () => 'x')).toBe(none);
    expect(mapMcpServerSecrets('not servers', () => 'x')).toBe('not servers');
  });

  it('are stored encrypted under the mcp_servers setting only, and read back in the clear', () => {
    useSecretCipher(new SecretCipher('d4'.repeat(32)));
    const stored = storedSettingValue(MCP_SERVERS_SETTING, servers);
    expect(JSON.stringify(stored)).not.toMatch(/ghp-0001|tok-0002|env-0003/);
    expect(JSON.stringify(stored)).toContain('https://mcp.example.com/mcp');
    expect(settingValueOf(MCP_SERVERS_SETTING, stored)).toEqual(servers);
    const other = { headers: { a: 'b' } };
    expect(storedSettingValue('failover', other)).toBe(other);
  });
});
