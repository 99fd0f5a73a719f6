import type { Routes } from '@angular/router';

export default [
  { path: '', title: 'MCP servers · Plexus', loadComponent: () => import('./mcp-page').then((m) => m.McpPage) },
] satisfies Routes;
