import { activeSecretCipher } from './secret-cipher';

/** The `system_settings` key holding the MCP servers (name → server config) a config import brought. */
export const MCP_SERVERS_SETTING = 'mcp_servers';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A copy of the MCP servers with every secret passed through `map`, which gets its path
 * (`[server, 'headers', name]`, `[server, 'env', name]`, `[server, 'args', index]`): the
 * fields the reference encrypts, since static auth headers, API keys in the environment
 * and tokens on the command line all live there. The same object when there are none.
 */
export function mapMcpServerSecrets<T>(servers: T, map: (value: string, path: string[]) => string): T {
  if (!isObject(servers)) return servers;
  let changed = false;
  const mapped = Object.fromEntries(
    Object.entries(servers).map(([name, server]) => {
      if (!isObject(server)) return [name, server];
      const copy: Record<string, unknown> = { ...server };
      for (const field of ['headers', 'env'] as const) {
        const values = server[field];
        if (!isObject(values)) continue;
        copy[field] = Object.fromEntries(
          Object.entries(values).map(([key, value]) => {
            if (typeof value !== 'string') return [key, value];
            changed = true;
            return [key, map(value, [name, field, key])];
          }),
        );
      }
      const args = server['args'];
      if (Array.isArray(args)) {
        copy['args'] = args.map((value: unknown, index) => {
          if (typeof value !== 'string') return value;
          changed = true;
          return map(value, [name, 'args', String(index)]);
        });
      }
      return [name, copy];
    }),
  );
  return (changed ? mapped : servers) as T;
}

/** The secrets of the MCP servers, by their path joined with dots (`github.headers.Authorization`). */
export function mcpServerSecretsOf(servers: unknown): Map<string, string> {
  const found = new Map<string, string>();
  mapMcpServerSecrets(servers, (value, path) => {
    found.set(path.join('.'), value);
    return value;
  });
  return found;
}

/** A system setting as it goes to the database: the MCP servers' secrets encrypted, every other setting as it is. */
export function storedSettingValue(key: string, value: unknown): unknown {
  return key === MCP_SERVERS_SETTING
    ? mapMcpServerSecrets(value, (secret) => activeSecretCipher().encrypt(secret))
    : value;
}

/** A system setting as read from the database, secrets in the clear. */
export function settingValueOf(key: string, stored: unknown): unknown {
  return key === MCP_SERVERS_SETTING
    ? mapMcpServerSecrets(stored, (secret) => activeSecretCipher().decrypt(secret))
    : stored;
}
