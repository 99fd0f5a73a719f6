import { provideHttpClient, withFetch, withInterceptors } from '@angular/common/http';
import { ApplicationConfig, provideBrowserGlobalErrorListeners, provideZonelessChangeDetection } from '@angular/core';
import { provideRouter, withComponentInputBinding } from '@angular/router';
import { provideApiConfiguration } from './api/api-configuration';
import { routes } from './app.routes';
import { adminKeyInterceptor } from './core/admin-key.interceptor';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    // Zoneless is already the default since Angular 21; kept explicit (no zone.js polyfill is loaded).
    provideZonelessChangeDetection(),
    // provideRouter uses PathLocationStrategy by default (clean URLs; the gateway falls back to index.html).
    provideRouter(routes, withComponentInputBinding()),
    provideHttpClient(withFetch(), withInterceptors([adminKeyInterceptor])),
    // The console is served by the gateway itself: API paths are relative to its origin.
    provideApiConfiguration(''),
  ],
};
