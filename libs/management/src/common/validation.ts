import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { validationFailed, type ValidationIssue } from './management-error';

export { conflict, notFound, validationFailed, type ValidationIssue } from './management-error';

function flatten(errors: ValidationError[], parent: string[] = []): ValidationIssue[] {
  return errors.flatMap((error) => {
    const path = [...parent, error.property];
    const own = Object.entries(error.constraints ?? {}).map(([code, message]) => ({ path, message, code }));
    return [...own, ...flatten(error.children ?? [], path)];
  });
}

/** Validates a plain body against a DTO class; returns the instance or throws the 400. */
export function validateBody<T extends object>(dto: ClassConstructor<T>, body: unknown): T {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw validationFailed([{ path: [], message: 'Body must be a JSON object', code: 'invalid_type' }]);
  }
  const instance = plainToInstance(dto, body);
  const errors = validateSync(instance, { whitelist: false, forbidUnknownValues: false });
  if (errors.length > 0) throw validationFailed(flatten(errors));
  return instance;
}
