import type { Routes } from '@angular/router';

export default [
  { path: '', title: 'Keys · Plexus', loadComponent: () => import('./key-list').then((m) => m.KeyList) },
  { path: 'new', title: 'Create key · Plexus', loadComponent: () => import('./key-form').then((m) => m.KeyForm) },
  { path: ':name', title: 'Edit key · Plexus', loadComponent: () => import('./key-form').then((m) => m.KeyForm) },
] satisfies Routes;
