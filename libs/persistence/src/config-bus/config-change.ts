/**
 * What a configuration change touched. Each in-memory view of the configuration (key
 * directory, routing tables, quota definitions, settings, MCP servers, OAuth accounts)
 * reloads on its own topics.
 */
export const CONFIG_TOPICS = [
  'providers',
  'aliases',
  'keys',
  'user-quotas',
  'settings',
  'mcp-servers',
  'oauth-accounts',
] as const;

export type ConfigTopic = (typeof CONFIG_TOPICS)[number];

/** `config.changed`: published after the change is committed, applied by every replica. */
export interface ConfigChangedEvent {
  type: 'config.changed';
  topics: ConfigTopic[];
  /** The value `config_version` took for this change. */
  version: number;
  /** The replica that made the change (it has applied it already). */
  origin: string;
}

export function isConfigTopic(value: unknown): value is ConfigTopic {
  return typeof value === 'string' && (CONFIG_TOPICS as readonly string[]).includes(value);
}

/** The event from a transport's message, or null for anything else (another version's shape, noise). */
export function parseConfigChangedEvent(message: string): ConfigChangedEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(message);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const event = value as Partial<ConfigChangedEvent>;
  if (event.type !== 'config.changed' || typeof event.origin !== 'string' || typeof event.version !== 'number')
    return null;
  if (!Array.isArray(event.topics)) return null;
  return { type: event.type, topics: event.topics.filter(isConfigTopic), version: event.version, origin: event.origin };
}
