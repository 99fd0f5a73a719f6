import { inject } from '@angular/core';
import { Router, type CanActivateFn } from '@angular/router';
import { AdminSession } from './admin-session';

/** Everything but the login page needs a signed-in session. */
export const adminGuard: CanActivateFn = (_route, state) => {
  if (inject(AdminSession).signedIn()) return true;
  return inject(Router).createUrlTree(['/login'], { queryParams: { returnUrl: state.url } });
};

/** Admin pages: a limited (API key) session is sent to its own usage instead. */
export const adminOnlyGuard: CanActivateFn = () =>
  inject(AdminSession).limited() ? inject(Router).createUrlTree(['/my-usage']) : true;
