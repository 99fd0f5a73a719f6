import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting, type TestRequest } from '@angular/common/http/testing';
import { Component, type Provider, type Type } from '@angular/core';
import { TestBed, type ComponentFixture } from '@angular/core/testing';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';
import { provideRouter, type Routes } from '@angular/router';
import { provideApiConfiguration } from '../api/api-configuration';
import { adminKeyInterceptor } from '../core/admin-key.interceptor';

@Component({ selector: 'plx-blank', template: '' })
export class Blank {}

/** Every top-level route, so components can navigate after saving. */
export const BLANK_ROUTES: Routes = [
  '',
  'login',
  'dashboard',
  'my-usage',
  'providers',
  'models',
  'keys',
  'quotas',
  'logs',
  'errors',
  'performance',
  'settings',
  'config',
  'audit',
  'system-logs',
].map((path) => ({ path, component: Blank }));

/** The app's HTTP stack (generated client + admin-key interceptor) over Angular's testing backend. */
export function setUpHttp(extra: Provider[] = []): HttpTestingController {
  TestBed.configureTestingModule({
    providers: [
      provideRouter(BLANK_ROUTES),
      provideHttpClient(withInterceptors([adminKeyInterceptor])),
      provideHttpClientTesting(),
      provideApiConfiguration(''),
      // jsdom fires no animation events: without this, dialogs never finish closing.
      { provide: MATERIAL_ANIMATIONS, useValue: { animationsDisabled: true } },
      ...extra,
    ],
  });
  return TestBed.inject(HttpTestingController);
}

/**
 * Lets pending promises, resources and change detection run. (`whenStable` would wait for the
 * requests the test has yet to flush: resources count as pending tasks.)
 */
export async function settle(fixture?: ComponentFixture<unknown>): Promise<void> {
  for (let i = 0; i < 4; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    fixture?.detectChanges();
  }
}

export async function render<T>(
  component: Type<T>,
  inputs: Record<string, unknown> = {},
): Promise<ComponentFixture<T>> {
  const fixture = TestBed.createComponent(component);
  for (const [name, value] of Object.entries(inputs)) fixture.componentRef.setInput(name, value);
  await settle(fixture);
  return fixture;
}

export function typeInto(fixture: ComponentFixture<unknown>, testId: string, value: string): void {
  const input = fixture.nativeElement.querySelector(`[data-testid="${testId}"]`) as HTMLInputElement | null;
  if (!input) throw new Error(`no [data-testid="${testId}"]`);
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
  input.dispatchEvent(new Event('blur'));
}

export function click(fixture: ComponentFixture<unknown>, testId: string): void {
  const element = fixture.nativeElement.querySelector(`[data-testid="${testId}"]`) as HTMLElement | null;
  if (!element) throw new Error(`no [data-testid="${testId}"]`);
  element.click();
}

export function text(fixture: ComponentFixture<unknown>): string {
  return (fixture.nativeElement as HTMLElement).textContent?.replace(/\s+/g, ' ') ?? '';
}

/** The one pending request matching method and path (query ignored). */
export function expectCall(http: HttpTestingController, method: string, path: string): TestRequest {
  return http.expectOne((request) => request.method === method && request.url === path, `${method} ${path}`);
}
