import { HttpContextToken, HttpErrorResponse, type HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { Router } from '@angular/router';
import { catchError, throwError } from 'rxjs';
import { AdminSession } from './admin-session';

/** A key to try instead of the session's (the login page verifies a candidate key with it). */
export const CANDIDATE_ADMIN_KEY = new HttpContextToken<string | null>(() => null);

const MANAGEMENT_PREFIX = '/v0/';

/**
 * Adds `x-admin-key` to management calls. A 401 on the session's own key means it is no
 * longer valid (the gateway was restarted with another ADMIN_KEY): sign out and go to login.
 */
export const adminKeyInterceptor: HttpInterceptorFn = (request, next) => {
  if (!new URL(request.url, 'http://x').pathname.startsWith(MANAGEMENT_PREFIX)) return next(request);
  const session = inject(AdminSession);
  const router = inject(Router);
  const candidate = request.context.get(CANDIDATE_ADMIN_KEY);
  const key = candidate ?? session.key();
  const outgoing = key === null ? request : request.clone({ setHeaders: { 'x-admin-key': key } });
  return next(outgoing).pipe(
    catchError((error: unknown) => {
      if (candidate === null && error instanceof HttpErrorResponse && error.status === 401 && session.signedIn()) {
        session.signOut();
        void router.navigate(['/login'], { queryParams: { returnUrl: router.url } });
      }
      return throwError(() => error);
    }),
  );
};
