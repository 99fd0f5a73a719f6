import type { Routes } from '@angular/router';

export default [
  { path: '', title: 'Audit log · Plexus', loadComponent: () => import('./audit-page').then((m) => m.AuditPage) },
] satisfies Routes;
