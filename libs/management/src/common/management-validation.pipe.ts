import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { validateBody } from './validation';

const PLAIN_TYPES = new Set<unknown>([Object, Array, String, Number, Boolean]);

/**
 * Validates a whole `@Body()` or `@Query()` typed with a class-validator DTO and answers 400
 * in the reference's shape (`{error:'Validation failed', details:[{path,message,code}]}`).
 * Scoped to the management controllers (`@ManagementApi()`), so inference keeps its own
 * error bodies. Parameters typed `unknown` or a primitive, and named ones (`@Query('x')`),
 * pass untouched: PATCH bodies are validated after the merge, by the service.
 */
@Injectable()
export class ManagementValidationPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const { type, metatype, data } = metadata;
    if ((type !== 'body' && type !== 'query') || data !== undefined) return value;
    if (typeof metatype !== 'function' || PLAIN_TYPES.has(metatype)) return value;
    return validateBody(metatype as new () => object, value);
  }
}
