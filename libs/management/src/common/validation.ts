import { BadRequestException, HttpException, HttpStatus, NotFoundException } from '@nestjs/common';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

export interface ValidationIssue {
  path: string[];
  message: string;
  code: string;
}

/** 400 in the reference gateway's shape: `{error:'Validation failed', details:[{path,message,code}]}`. */
export function validationFailed(details: ValidationIssue[]): BadRequestException {
  return new BadRequestException({ error: 'Validation failed', details });
}

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

export function notFound(message: string): NotFoundException {
  return new NotFoundException({ error: { message, type: 'not_found' } });
}

export function conflict(message: string): HttpException {
  return new HttpException({ error: { message, type: 'conflict' } }, HttpStatus.CONFLICT);
}
