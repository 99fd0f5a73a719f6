import type { Routes } from '@angular/router';

export default [
  { path: '', title: 'My usage · Plexus', loadComponent: () => import('./my-usage').then((m) => m.MyUsage) },
] satisfies Routes;
