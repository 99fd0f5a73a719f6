import { Routes } from '@angular/router';
import { adminGuard } from './core/admin.guard';
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
      { path: 'providers', loadChildren: () => import('./providers/providers.routes') },
      { path: 'models', loadChildren: () => import('./models/models.routes') },
      { path: 'keys', loadChildren: () => import('./keys/keys.routes') },
      { path: 'logs', loadChildren: () => import('./logs/logs.routes') },
    ],
  },
  { path: '**', redirectTo: '' },
];
