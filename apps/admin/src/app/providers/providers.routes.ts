import type { Routes } from '@angular/router';

export default [
  { path: '', title: 'Providers · Plexus', loadComponent: () => import('./provider-list').then((m) => m.ProviderList) },
  {
    path: 'new',
    title: 'Add provider · Plexus',
    loadComponent: () => import('./provider-form').then((m) => m.ProviderForm),
  },
  {
    path: ':slug',
    title: 'Edit provider · Plexus',
    loadComponent: () => import('./provider-form').then((m) => m.ProviderForm),
  },
] satisfies Routes;
