import type { Routes } from '@angular/router';

export default [
  {
    path: '',
    title: 'Performance · Plexus',
    loadComponent: () => import('./performance-page').then((m) => m.PerformancePage),
  },
] satisfies Routes;
