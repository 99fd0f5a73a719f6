import { applyDecorators, UseInterceptors } from '@nestjs/common';
import { AuditInterceptor } from './audit.interceptor';

/**
 * Records the route's calls in the audit log (who, method, path, parameters, final status;
 * never the body). Declared on every management route that changes something, so inference
 * routes never pay for it and a new route states whether it is audited.
 */
export function Audited(): MethodDecorator & ClassDecorator {
  return applyDecorators(UseInterceptors(AuditInterceptor));
}
