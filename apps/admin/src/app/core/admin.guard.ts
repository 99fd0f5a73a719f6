import { inject } from '@angular/core';
import { Router, type CanActivateFn } from '@angular/router';
import { AdminSession } from './admin-session';

/** Everything but the login page needs a signed-in admin. */
export const adminGuard: CanActivateFn = (_route, state) => {
  if (inject(AdminSession).signedIn()) return true;
  return inject(Router).createUrlTree(['/login'], { queryParams: { returnUrl: state.url } });
};
