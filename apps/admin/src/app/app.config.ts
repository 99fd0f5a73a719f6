import { ApplicationConfig, provideBrowserGlobalErrorListeners, provideZonelessChangeDetection } from '@angular/core';
import { provideRouter, withComponentInputBinding } from '@angular/router';
import { routes } from './app.routes';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    // Zoneless is already the default since Angular 21; kept explicit (no zone.js polyfill is loaded).
    provideZonelessChangeDetection(),
    // provideRouter uses PathLocationStrategy by default (clean URLs; the gateway falls back to index.html).
    provideRouter(routes, withComponentInputBinding()),
  ],
};
