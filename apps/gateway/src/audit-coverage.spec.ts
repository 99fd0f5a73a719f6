import { RequestMethod, type DynamicModule, type Type } from '@nestjs/common';
import { INTERCEPTORS_METADATA, METHOD_METADATA, MODULE_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { loadEnvironment } from '@plexus/config';
import { AuditInterceptor } from '@plexus/management';
import { AppModule } from './app.module';

type ModuleRef = Type | DynamicModule;

/** Every controller the app registers, through static and dynamic module imports. */
function controllersOf(root: ModuleRef, seen = new Set<unknown>()): Type[] {
  if (seen.has(root)) return [];
  seen.add(root);
  const type = 'module' in root ? root.module : root;
  const dynamic: Partial<DynamicModule> = 'module' in root ? root : {};
  const imports = [
    ...((Reflect.getMetadata(MODULE_METADATA.IMPORTS, type) ?? []) as ModuleRef[]),
    ...(dynamic.imports ?? []),
  ].filter(
    (entry): entry is ModuleRef => typeof entry === 'function' || (typeof entry === 'object' && 'module' in entry),
  );
  return [
    ...((Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, type) ?? []) as Type[]),
    ...(dynamic.controllers ?? []),
    ...imports.flatMap((entry) => controllersOf(entry, seen)),
  ];
}

function audited(controller: Type, handler: unknown): boolean {
  const interceptors = [
    ...((Reflect.getMetadata(INTERCEPTORS_METADATA, controller) ?? []) as unknown[]),
    ...((Reflect.getMetadata(INTERCEPTORS_METADATA, handler as object) ?? []) as unknown[]),
  ];
  return interceptors.includes(AuditInterceptor);
}

describe('audit coverage', () => {
  it('has every management route that changes something declare @Audited()', () => {
    const app = AppModule.forRoot(loadEnvironment({ ADMIN_KEY: 'audit-coverage' }));
    const unaudited: string[] = [];
    const changing: string[] = [];
    for (const controller of new Set(controllersOf(app))) {
      const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      if (!base.startsWith('v0/management')) continue;
      const prototype = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[name];
        const method = Reflect.getMetadata(METHOD_METADATA, handler as object) as RequestMethod | undefined;
        if (method === undefined || method === RequestMethod.GET) continue;
        const path = String(Reflect.getMetadata(PATH_METADATA, handler as object));
        const route = `${RequestMethod[method]} /${base}${path === '/' ? '' : `/${path}`}`;
        changing.push(route);
        if (!audited(controller, handler)) unaudited.push(`${route} (${controller.name}.${name})`);
      }
    }
    expect(changing.length).toBeGreaterThan(40);
    expect(unaudited).toEqual([]);
  });
});
