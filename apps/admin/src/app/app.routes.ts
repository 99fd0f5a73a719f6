import { Routes } from '@angular/router';

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
  { path: 'quotas', label: 'Quotas' },
  { path: 'logs', label: 'Logs' },
  { path: 'errors', label: 'Errors' },
  { path: 'performance', label: 'Performance' },
  { path: 'settings', label: 'Settings' },
  { path: 'mcp-servers', label: 'MCP servers', comingSoon: true },
  { path: 'oauth-accounts', label: 'OAuth accounts', comingSoon: true },
];

const loadPlaceholder = () => import('./placeholder').then((m) => m.Placeholder);

export const routes: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'dashboard' },
  {
    path: 'dashboard',
    title: 'Dashboard · Plexus',
    loadComponent: () => import('./dashboard').then((m) => m.Dashboard),
  },
  ...NAV_ENTRIES.filter((e) => !e.comingSoon && e.path !== 'dashboard').map((e) => ({
    path: e.path,
    title: `${e.label} · Plexus`,
    data: { heading: e.label },
    loadComponent: loadPlaceholder,
  })),
  { path: '**', redirectTo: 'dashboard' },
];
