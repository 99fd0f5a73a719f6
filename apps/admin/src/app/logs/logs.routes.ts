import type { Routes } from '@angular/router';

export default [
  { path: '', title: 'Logs · Plexus', loadComponent: () => import('./log-page').then((m) => m.LogPage) },
] satisfies Routes;
