import type { Routes } from '@angular/router';

export default [
  {
    path: '',
    title: 'System logs · Plexus',
    loadComponent: () => import('./system-logs-page').then((m) => m.SystemLogsPage),
  },
] satisfies Routes;
