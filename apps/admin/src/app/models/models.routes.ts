import type { Routes } from '@angular/router';

export default [
  { path: '', title: 'Models · Plexus', loadComponent: () => import('./alias-list').then((m) => m.AliasList) },
  { path: 'new', title: 'Add alias · Plexus', loadComponent: () => import('./alias-form').then((m) => m.AliasForm) },
  { path: ':slug', title: 'Edit alias · Plexus', loadComponent: () => import('./alias-form').then((m) => m.AliasForm) },
] satisfies Routes;
