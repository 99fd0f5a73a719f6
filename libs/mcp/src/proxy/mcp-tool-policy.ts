import type { ApiKeyPolicy } from '@plexus/persistence';

/** Whether the key may use the MCP server at all (absent or empty allow list: every server). */
export function mayUseServer(policy: ApiKeyPolicy, server: string): boolean {
  const allowed = policy.allowedMcpServers;
  return allowed === undefined || allowed.length === 0 || allowed.includes(server);
}

/**
 * Whether the key sees (in tools/list) and may call (tools/call) a tool of the server:
 * the server's `allow` list (absent: all its tools) minus its `deny` list.
 */
export function toolVisible(policy: ApiKeyPolicy, server: string, tool: string): boolean {
  const rules = policy.mcpToolPolicy?.[server];
  if (!rules) return true;
  if (rules.deny?.includes(tool)) return false;
  return rules.allow === undefined || rules.allow.includes(tool);
}

/** Whether any tool of the server is hidden from the key (tools/list answers need filtering). */
export function filtersTools(policy: ApiKeyPolicy, server: string): boolean {
  const rules = policy.mcpToolPolicy?.[server];
  return rules !== undefined && (rules.allow !== undefined || (rules.deny?.length ?? 0) > 0);
}

/** A tools/list result without the tools the key may not see. */
export function filterToolsResult(result: unknown, visible: (tool: string) => boolean): unknown {
  if (typeof result !== 'object' || result === null) return result;
  const tools = (result as { tools?: unknown }).tools;
  if (!Array.isArray(tools)) return result;
  return {
    ...result,
    tools: tools.filter((tool: unknown) => {
      const name = (tool as { name?: unknown } | null)?.name;
      return typeof name === 'string' && visible(name);
    }),
  };
}
