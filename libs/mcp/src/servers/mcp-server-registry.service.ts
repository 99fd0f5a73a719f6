import { Injectable, Logger } from '@nestjs/common';
import { MCP_SERVERS_SETTING, SystemSettingsRepository } from '@plexus/persistence';
import { parseMcpServerConfig, type McpServerConfig } from './mcp-server-config';

/** How long a replica serves its copy of the servers before reading them again (writes elsewhere show up within it). */
const FRESH_MS = 2_000;

/**
 * The MCP servers of the `mcp_servers` setting (written by the management API and the
 * config import), parsed and cached briefly so the proxy reads the database at most once
 * every couple of seconds.
 */
@Injectable()
export class McpServerRegistry {
  private readonly logger = new Logger(McpServerRegistry.name);
  private cached: { at: number; raw: Record<string, unknown>; servers: Map<string, McpServerConfig> } | null = null;

  constructor(private readonly settings: SystemSettingsRepository) {}

  async get(name: string): Promise<McpServerConfig | undefined> {
    return (await this.load()).servers.get(name);
  }

  async all(): Promise<Map<string, McpServerConfig>> {
    return (await this.load()).servers;
  }

  /** The stored entries as they are (unknown fields included), by name. */
  async raw(): Promise<Record<string, unknown>> {
    return (await this.load()).raw;
  }

  async save(name: string, config: Record<string, unknown>): Promise<void> {
    const raw = { ...(await this.fresh()), [name]: config };
    await this.settings.set(MCP_SERVERS_SETTING, raw);
    this.cached = null;
  }

  async delete(name: string): Promise<boolean> {
    const { [name]: removed, ...rest } = await this.fresh();
    if (removed === undefined) return false;
    if (Object.keys(rest).length === 0) await this.settings.delete(MCP_SERVERS_SETTING);
    else await this.settings.set(MCP_SERVERS_SETTING, rest);
    this.cached = null;
    return true;
  }

  invalidate(): void {
    this.cached = null;
  }

  private async fresh(): Promise<Record<string, unknown>> {
    const stored = await this.settings.get(MCP_SERVERS_SETTING);
    return typeof stored === 'object' && stored !== null && !Array.isArray(stored)
      ? (stored as Record<string, unknown>)
      : {};
  }

  private async load(): Promise<{ raw: Record<string, unknown>; servers: Map<string, McpServerConfig> }> {
    if (this.cached && Date.now() - this.cached.at < FRESH_MS) return this.cached;
    const raw = await this.fresh();
    const servers = new Map<string, McpServerConfig>();
    for (const [name, entry] of Object.entries(raw)) {
      const parsed = parseMcpServerConfig(entry);
      if (parsed.ok) servers.set(name, parsed.config);
      else
        this.logger.warn(
          `MCP server '${name}' is not served: ${parsed.issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
        );
    }
    this.cached = { at: Date.now(), raw, servers };
    return this.cached;
  }
}
