import { applyDecorators, type Type } from '@nestjs/common';
import { ApiQuery, type ApiQueryOptions } from '@nestjs/swagger';

/** Where @nestjs/swagger keeps a class's @ApiProperty metadata (the keys are not exported). */
const MODEL_PROPERTY_KEYS = 'swagger/apiModelPropertiesArray';
const MODEL_PROPERTY = 'swagger/apiModelProperties';

/**
 * Declares every @ApiPropertyOptional of a query DTO as a query parameter of the handler, for
 * handlers that validate the whole query against the DTO. `@ApiQuery({ type: Dto })` would
 * flatten the DTO as well, but @nestjs/swagger 12 drops the properties' enums when it does.
 */
export function ApiQueryFrom(dto: Type<object>): MethodDecorator & ClassDecorator {
  const prototype = dto.prototype as object;
  const keys = (Reflect.getMetadata(MODEL_PROPERTY_KEYS, prototype) ?? []) as string[];
  return applyDecorators(
    ...keys.map((key) => {
      const name = key.replace(/^:/, '');
      const { required, ...options } = Reflect.getMetadata(MODEL_PROPERTY, prototype, name) as ApiQueryOptions;
      return ApiQuery({ ...options, name, required: required ?? false });
    }),
  );
}
