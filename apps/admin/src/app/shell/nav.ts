export interface NavEntry {
  readonly path: string;
  readonly label: string;
  readonly comingSoon?: boolean;
  /** Shown to a limited (API key) session too; everything else is for the admin only. */
  readonly limited?: boolean;
}

/** Side-nav entries. `comingSoon` entries are shown disabled and have no route. */
export const NAV_ENTRIES: readonly NavEntry[] = [
  { path: 'dashboard', label: 'Dashboard', limited: true },
  { path: 'my-usage', label: 'My usage', limited: true },
  { path: 'providers', label: 'Providers' },
  { path: 'models', label: 'Models' },
  { path: 'keys', label: 'Keys' },
  { path: 'quotas', label: 'Quotas' },
  { path: 'logs', label: 'Logs', limited: true },
  { path: 'errors', label: 'Errors', limited: true },
  { path: 'performance', label: 'Performance' },
  { path: 'settings', label: 'Settings' },
  { path: 'config', label: 'Configuration' },
  { path: 'audit', label: 'Audit log' },
  { path: 'system-logs', label: 'System logs' },
  { path: 'mcp-servers', label: 'MCP servers' },
  { path: 'oauth-accounts', label: 'OAuth accounts', comingSoon: true },
];

/** The admin sees everything but the key holder's own page; a limited session only its own pages. */
export function navEntriesFor(limited: boolean): NavEntry[] {
  return NAV_ENTRIES.filter((entry) => (limited ? entry.limited === true : entry.path !== 'my-usage'));
}
