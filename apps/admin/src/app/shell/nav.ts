export interface NavEntry {
  readonly path: string;
  readonly label: string;
  readonly comingSoon?: boolean;
}

/** Side-nav entries. `comingSoon` entries are shown disabled and have no route. */
export const NAV_ENTRIES: readonly NavEntry[] = [
  { path: 'dashboard', label: 'Dashboard' },
  { path: 'providers', label: 'Providers' },
  { path: 'models', label: 'Models' },
  { path: 'keys', label: 'Keys' },
  { path: 'logs', label: 'Logs' },
  { path: 'quotas', label: 'Quotas', comingSoon: true },
  { path: 'errors', label: 'Errors', comingSoon: true },
  { path: 'performance', label: 'Performance', comingSoon: true },
  { path: 'settings', label: 'Settings', comingSoon: true },
  { path: 'mcp-servers', label: 'MCP servers', comingSoon: true },
  { path: 'oauth-accounts', label: 'OAuth accounts', comingSoon: true },
];
