import { applyDecorators, UseFilters, UsePipes } from '@nestjs/common';
import { ApiSecurity } from '@nestjs/swagger';
import { ManagementErrorFilter } from './management-error.filter';
import { ManagementValidationPipe } from './management-validation.pipe';

/**
 * What every management controller shares: the admin-key security scheme in the OpenAPI
 * document, DTO validation with the reference's 400 shape, and typed error rendering.
 * Guards stay explicit on each controller (some add ManagedObjectGuard).
 */
export function ManagementApi(): ClassDecorator {
  return applyDecorators(
    ApiSecurity('AdminKey'),
    UsePipes(ManagementValidationPipe),
    UseFilters(ManagementErrorFilter),
  );
}
