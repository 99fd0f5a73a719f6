import { Injectable } from '@nestjs/common';
import { McpServerKeyRepository, type McpServerKeyRecord } from '@plexus/persistence';

const FRESH_MS = 2_000;
/** How long a key that answered 429/402 without a Retry-After is left out of new sessions. */
const DEFAULT_COOLDOWN_MS = 60_000;

export interface McpUpstreamKey {
  id: number;
  key: string;
}

/**
 * The upstream keys of each MCP server: a new session takes the next active key that is
 * not cooling down (round robin); a key answered with 429 or 402 cools down for new
 * sessions, while sessions already pinned to it keep it (one session never switches keys).
 */
@Injectable()
export class McpUpstreamKeys {
  private cached: { at: number; byServer: Map<string, McpServerKeyRecord[]> } | null = null;
  private readonly cooldowns = new Map<number, number>();
  private readonly cursor = new Map<string, number>();

  constructor(private readonly repository: McpServerKeyRepository) {}

  async list(server: string): Promise<McpServerKeyRecord[]> {
    return (await this.load()).get(server) ?? [];
  }

  /** The next usable key for a new session; null when the server has no keys. `exclude`: keys already tried. */
  async pick(
    server: string,
    exclude: ReadonlySet<number> = new Set(),
    now = Date.now(),
  ): Promise<McpUpstreamKey | null> {
    const active = (await this.list(server)).filter((key) => key.isActive && !exclude.has(key.id));
    if (active.length === 0) return null;
    const start = this.cursor.get(server) ?? 0;
    const ordered = active.map((_, index) => active[(start + index) % active.length]);
    const chosen = ordered.find((key) => (this.cooldowns.get(key.id) ?? 0) <= now) ?? null;
    if (!chosen) return null;
    this.cursor.set(server, (active.indexOf(chosen) + 1) % active.length);
    return { id: chosen.id, key: chosen.key };
  }

  /** A key of the server by id (a session's pinned key), whether or not it is cooling down. */
  async byId(server: string, id: number): Promise<McpUpstreamKey | null> {
    const found = (await this.list(server)).find((key) => key.id === id && key.isActive);
    return found ? { id: found.id, key: found.key } : null;
  }

  hasKeys(server: string): Promise<boolean> {
    return this.list(server).then((keys) => keys.some((key) => key.isActive));
  }

  coolDown(id: number, retryAfterMs: number | null, now = Date.now()): void {
    this.cooldowns.set(id, now + (retryAfterMs ?? DEFAULT_COOLDOWN_MS));
  }

  clearCooldown(id: number): void {
    this.cooldowns.delete(id);
  }

  cooldownUntil(id: number, now = Date.now()): Date | null {
    const until = this.cooldowns.get(id);
    return until !== undefined && until > now ? new Date(until) : null;
  }

  async add(server: string, key: string, isActive: boolean): Promise<McpServerKeyRecord> {
    const record = await this.repository.insert(server, key, isActive);
    this.cached = null;
    return record;
  }

  async remove(server: string, id: number): Promise<boolean> {
    const removed = await this.repository.delete(server, id);
    this.cooldowns.delete(id);
    this.cached = null;
    return removed;
  }

  async removeServer(server: string): Promise<void> {
    await this.repository.deleteServer(server);
    this.cached = null;
  }

  private async load(): Promise<Map<string, McpServerKeyRecord[]>> {
    if (this.cached && Date.now() - this.cached.at < FRESH_MS) return this.cached.byServer;
    const byServer = new Map<string, McpServerKeyRecord[]>();
    for (const record of await this.repository.findAll()) {
      const list = byServer.get(record.serverName) ?? [];
      list.push(record);
      byServer.set(record.serverName, list);
    }
    this.cached = { at: Date.now(), byServer };
    return byServer;
  }
}
