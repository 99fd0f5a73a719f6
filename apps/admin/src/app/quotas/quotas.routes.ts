import type { Routes } from '@angular/router';

export default [
  { path: '', title: 'Quotas · Plexus', loadComponent: () => import('./quota-list').then((m) => m.QuotaList) },
  { path: 'new', title: 'Add quota · Plexus', loadComponent: () => import('./quota-form').then((m) => m.QuotaForm) },
  { path: ':name', title: 'Edit quota · Plexus', loadComponent: () => import('./quota-form').then((m) => m.QuotaForm) },
] satisfies Routes;
