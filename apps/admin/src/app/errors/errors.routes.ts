import type { Routes } from '@angular/router';

export default [
  { path: '', title: 'Errors · Plexus', loadComponent: () => import('./error-page').then((m) => m.ErrorPage) },
] satisfies Routes;
