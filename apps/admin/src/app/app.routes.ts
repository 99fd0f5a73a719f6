import { Routes } from '@angular/router';
import { adminGuard, adminOnlyGuard } from './core/admin.guard';
import { Shell } from './shell/shell';

export const routes: Routes = [
  { path: 'login', title: 'Sign in · Plexus', loadComponent: () => import('./login/login').then((m) => m.Login) },
  {
    path: '',
    component: Shell,
    canActivate: [adminGuard],
    children: [
      { path: '', pathMatch: 'full', redirectTo: 'dashboard' },
      { path: 'dashboard', loadChildren: () => import('./dashboard/dashboard.routes') },
      { path: 'my-usage', loadChildren: () => import('./my-usage/my-usage.routes') },
      { path: 'logs', loadChildren: () => import('./logs/logs.routes') },
      { path: 'errors', loadChildren: () => import('./errors/errors.routes') },
      {
        path: '',
        canActivateChild: [adminOnlyGuard],
        children: [
          { path: 'providers', loadChildren: () => import('./providers/providers.routes') },
          { path: 'models', loadChildren: () => import('./models/models.routes') },
          { path: 'keys', loadChildren: () => import('./keys/keys.routes') },
          { path: 'quotas', loadChildren: () => import('./quotas/quotas.routes') },
          { path: 'performance', loadChildren: () => import('./performance/performance.routes') },
          { path: 'settings', loadChildren: () => import('./settings/settings.routes') },
          { path: 'config', loadChildren: () => import('./config/config.routes') },
          { path: 'audit', loadChildren: () => import('./audit/audit.routes') },
          { path: 'system-logs', loadChildren: () => import('./system-logs/system-logs.routes') },
          { path: 'mcp-servers', loadChildren: () => import('./mcp/mcp.routes') },
        ],
      },
    ],
  },
  { path: '**', redirectTo: '' },
];
