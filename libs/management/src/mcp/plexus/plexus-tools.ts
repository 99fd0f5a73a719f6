import type { ManagementRequest } from '@plexus/auth';
import type { AliasesController } from '../../aliases/aliases.controller';
import type { CooldownsController } from '../../cooldowns/cooldowns.controller';
import type { KeysController } from '../../keys/keys.controller';
import type { SystemLogsController } from '../../logging/logging.controller';
import type { ProvidersController } from '../../providers/providers.controller';
import type { QuotaStatusController } from '../../quotas/quota-status.controller';
import type { UserQuotasController } from '../../quotas/user-quotas.controller';
import type { SettingsController } from '../../settings/settings.controller';
import type { UsageController } from '../../usage/usage.controller';
import type { McpLogsController } from '../mcp-logs.controller';
import type { McpServersController } from '../mcp-servers.controller';

/** What a management tool call names: the operation, its object and, for writes, the body. */
export interface PlexusToolArgs {
  operation: string;
  name?: string;
  body?: Record<string, unknown>;
  query?: Record<string, string>;
}

export interface PlexusOperation {
  /** Deletes or disables something: runs only with `"destructive": "acknowledged"`. */
  destructive?: boolean;
  run(args: PlexusToolArgs): Promise<unknown>;
}

export interface PlexusTool {
  name: string;
  description: string;
  operations: Record<string, PlexusOperation>;
}

/** The management API's own controllers: the tools call the same code its routes run (validation, reloads, masking). */
export interface PlexusControllers {
  providers: ProvidersController;
  aliases: AliasesController;
  keys: KeysController;
  quotas: UserQuotasController;
  quotaStatus: QuotaStatusController;
  usage: UsageController;
  cooldowns: CooldownsController;
  mcpServers: McpServersController;
  mcpLogs: McpLogsController;
  systemLogs: SystemLogsController;
  settings: SettingsController;
}

const ADMIN_REQUEST = { principal: { role: 'admin', via: 'admin-key' } } as unknown as ManagementRequest;

function named(args: PlexusToolArgs): string {
  if (!args.name) throw new Error(`operation '${args.operation}' needs a name`);
  return args.name;
}

function body(args: PlexusToolArgs): Record<string, unknown> {
  if (!args.body) throw new Error(`operation '${args.operation}' needs a body`);
  return args.body;
}

/** list / get / upsert / patch / delete over one management collection. */
function crud(controller: {
  list(): Promise<unknown>;
  get(name: string): Promise<unknown>;
  put(name: string, body: unknown): Promise<unknown>;
  patch(name: string, body: unknown): Promise<unknown>;
}): Record<string, PlexusOperation> {
  return {
    list: { run: () => controller.list() },
    get: { run: (args) => controller.get(named(args)) },
    upsert: { run: (args) => controller.put(named(args), body(args)) },
    patch: { run: (args) => controller.patch(named(args), body(args)) },
  };
}

const SETTINGS_SECTIONS = {
  cooldown: 'Cooldown',
  failover: 'Failover',
  timeout: 'Timeout',
  stall: 'Stall',
  explorationRate: 'ExplorationRate',
  backgroundExploration: 'BackgroundExploration',
} as const;

/** A settings section through the controller's own getter and validated patch. */
function settingsSection(
  controller: SettingsController,
  section: string,
): { get(): unknown; patch(body: unknown): Promise<unknown> } {
  const suffix = SETTINGS_SECTIONS[section as keyof typeof SETTINGS_SECTIONS];
  if (!suffix)
    throw new Error(`unknown settings section '${section}': one of ${Object.keys(SETTINGS_SECTIONS).join(', ')}`);
  const methods = controller as unknown as Record<string, (body?: unknown) => unknown>;
  return {
    get: () => methods[`get${suffix}`].call(controller),
    patch: (patch) => Promise.resolve(methods[`patch${suffix}`].call(controller, patch)),
  };
}

export function plexusTools(c: PlexusControllers): PlexusTool[] {
  return [
    {
      name: 'plexus_provider',
      description: 'Providers (upstream LLM APIs): list, get, upsert, patch, delete (destructive).',
      operations: {
        ...crud(c.providers),
        delete: { destructive: true, run: (args) => c.providers.delete(named(args), args.query?.['cascade']) },
      },
    },
    {
      name: 'plexus_model_alias',
      description: 'Model aliases clients name as their model: list, get, upsert, patch, delete (destructive).',
      operations: {
        ...crud(c.aliases),
        delete: { destructive: true, run: (args) => c.aliases.deleteAlias(named(args)) },
      },
    },
    {
      name: 'plexus_key',
      description:
        'Plexus API keys: list, get, upsert, patch, disable (destructive), delete (destructive). Secrets are redacted.',
      operations: {
        ...crud(c.keys),
        disable: { destructive: true, run: (args) => c.keys.disable(named(args)) },
        delete: { destructive: true, run: (args) => c.keys.delete(named(args)) },
      },
    },
    {
      name: 'plexus_quota',
      description:
        "User quotas: list, get, upsert, patch; status (name = an API key) shows a key's usage of its quotas.",
      operations: {
        ...crud(c.quotas),
        status: { run: (args) => c.quotaStatus.status(named(args)) },
      },
    },
    {
      name: 'plexus_usage',
      description: 'Usage records: list (query: limit, offset, filters) and summary (query: range, apiKey, ...).',
      operations: {
        list: { run: (args) => c.usage.list(args.query ?? {}, ADMIN_REQUEST) },
        summary: { run: (args) => c.usage.summary(args.query ?? {}, ADMIN_REQUEST) },
      },
    },
    {
      name: 'plexus_cooldowns',
      description: 'Provider cooldowns: list, clear (destructive; name = a provider, or all without one).',
      operations: {
        list: { run: () => Promise.resolve(c.cooldowns.list()) },
        clear: {
          destructive: true,
          run: (args) => (args.name ? c.cooldowns.clear(args.name) : c.cooldowns.clearAll()),
        },
      },
    },
    {
      name: 'plexus_mcp_gateway',
      description:
        'MCP servers behind /mcp/{name}: list, get, upsert, patch, delete (destructive), status, start, stop, restart, process_logs, keys; logs (query: limit, offset, serverName, apiKey).',
      operations: {
        ...crud(c.mcpServers),
        delete: { destructive: true, run: (args) => c.mcpServers.delete(named(args)) },
        status: { run: (args) => c.mcpServers.status(named(args)) },
        start: { run: (args) => c.mcpServers.start(named(args)) },
        stop: { destructive: true, run: (args) => c.mcpServers.stop(named(args)) },
        restart: { run: (args) => c.mcpServers.restart(named(args)) },
        process_logs: { run: (args) => c.mcpServers.processLogs(named(args)) },
        keys: { run: (args) => c.mcpServers.listKeys(named(args)) },
        logs: {
          run: (args) =>
            c.mcpLogs.list(
              args.query?.['limit'],
              args.query?.['offset'],
              args.query?.['serverName'],
              args.query?.['apiKey'],
            ),
        },
      },
    },
    {
      name: 'plexus_settings',
      description:
        'Routing settings by section (name: cooldown, failover, timeout, stall, explorationRate, backgroundExploration): get, patch (body: the fields to change).',
      operations: {
        get: { run: (args) => Promise.resolve(settingsSection(c.settings, named(args)).get()) },
        patch: { run: (args) => settingsSection(c.settings, named(args)).patch(body(args)) },
      },
    },
    {
      name: 'plexus_system_logs',
      description: "The gateway's recent log lines: recent (query: limit, offset).",
      operations: { recent: { run: (args) => Promise.resolve(c.systemLogs.recent(args.query ?? {})) } },
    },
  ];
}

export const PLEXUS_MANAGEMENT_GUIDE = `You are managing a Plexus LLM gateway through its management MCP server.

Each tool covers one area and takes an "operation" argument, plus "name" (the object), "body" (for upsert/patch,
the same JSON the /v0/management API takes) and "query" (filters, as strings) where the operation needs them.
- Start read-only: plexus_provider {"operation":"list"}, plexus_model_alias {"operation":"list"}, plexus_key {"operation":"list"}.
- Clients call a model alias; an alias has target groups of provider/model targets. Create a provider first, then an alias.
- Operations that delete or disable something are destructive: they run only when the call also carries
  "destructive": "acknowledged". Ask the user before acknowledging one; without it the call fails with confirmation_required.
- Secrets (API keys, key secrets, headers) are shown as [REDACTED]; a write never needs to repeat them unless it changes them.`;
