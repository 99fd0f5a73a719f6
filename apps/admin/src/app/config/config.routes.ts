import type { Routes } from '@angular/router';

export default [
  { path: '', title: 'Configuration · Plexus', loadComponent: () => import('./config-page').then((m) => m.ConfigPage) },
] satisfies Routes;
