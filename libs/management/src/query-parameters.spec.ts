import 'reflect-metadata';
import { MODULE_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ManagementModule } from './management.module';

type Constructor = new (...args: never[]) => unknown;

/** Where @nestjs/swagger keeps a handler's @ApiQuery/@ApiParam declarations (not exported by the package). */
const API_PARAMETERS = 'swagger/apiParameters';

/** Every controller of the module and of the modules it imports. */
function controllersOf(module: unknown, seen = new Set<unknown>()): Constructor[] {
  if (seen.has(module) || typeof module !== 'function') return [];
  seen.add(module);
  const own = (Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, module) ?? []) as Constructor[];
  const imports = (Reflect.getMetadata(MODULE_METADATA.IMPORTS, module) ?? []) as unknown[];
  return [...own, ...imports.flatMap((imported) => controllersOf(imported, seen))];
}

interface DeclaredParameter {
  in?: string;
  name?: string;
}

/**
 * A handler that reads the whole query object (`@Query()` then a DTO) is invisible to the
 * OpenAPI document unless it declares the parameters (`@ApiQueryFrom(Dto)` or `@ApiQuery`);
 * named `@Query('x')` parameters are documented by Nest itself.
 */
describe('management handlers that read the whole query', () => {
  const handlers = controllersOf(ManagementModule).flatMap((controller) =>
    Object.getOwnPropertyNames(controller.prototype)
      .filter((name) => name !== 'constructor')
      .map((name) => ({ controller, name })),
  );

  it('finds the controllers', () => {
    expect(handlers.length).toBeGreaterThan(50);
  });

  it.each(
    handlers
      .filter(({ controller, name }) => {
        const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {}) as Record<
          string,
          { data?: unknown }
        >;
        return Object.entries(args).some(
          ([key, arg]) => key.startsWith(`${RouteParamtypes.QUERY}:`) && arg.data === undefined,
        );
      })
      .map(({ controller, name }) => [`${controller.name}.${name}`, controller, name] as const),
  )('%s declares its query parameters', (_label, controller, name) => {
    const handler = (controller.prototype as Record<string, unknown>)[name] as object;
    const declared = (Reflect.getMetadata(API_PARAMETERS, handler) ?? []) as DeclaredParameter[];
    expect(declared.filter((parameter) => parameter.in === 'query' && parameter.name).length).toBeGreaterThan(0);
  });
});
