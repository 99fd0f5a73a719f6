import { HttpContextToken, HttpErrorResponse, type HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { Router } from '@angular/router';
import { catchError, throwError } from 'rxjs';
import { AdminSession } from './admin-session';

/** A key to try instead of the session's (the login page verifies a candidate key with it). */
export const CANDIDATE_ADMIN_KEY = new HttpContextToken<string | null>(() => null);
/** An ID token to try as `Authorization: Bearer` (the login page verifies an OIDC sign-in with it). */
export const CANDIDATE_BEARER = new HttpContextToken<string | null>(() => null);

const MANAGEMENT_PREFIX = '/v0/';

/**
 * Authenticates management calls (`x-admin-key`, or the OIDC ID token as a Bearer token). A 401
 * on the session's own credential means it is no longer valid (another ADMIN_KEY, an expired ID
 * token): sign out and go to login.
 */
export const adminKeyInterceptor: HttpInterceptorFn = (request, next) => {
  if (!new URL(request.url, 'http://x').pathname.startsWith(MANAGEMENT_PREFIX)) return next(request);
  const session = inject(AdminSession);
  const router = inject(Router);
  const candidateKey = request.context.get(CANDIDATE_ADMIN_KEY);
  const candidateBearer = request.context.get(CANDIDATE_BEARER);
  const candidate = candidateKey ?? candidateBearer;
  const headers =
    candidateKey !== null
      ? { 'x-admin-key': candidateKey }
      : candidateBearer !== null
        ? { authorization: `Bearer ${candidateBearer}` }
        : session.authHeaders();
  const outgoing = Object.keys(headers).length === 0 ? request : request.clone({ setHeaders: headers });
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
