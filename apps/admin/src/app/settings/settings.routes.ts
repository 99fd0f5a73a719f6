import type { Routes } from '@angular/router';

export default [
  { path: '', title: 'Settings · Plexus', loadComponent: () => import('./settings-page').then((m) => m.SettingsPage) },
] satisfies Routes;
