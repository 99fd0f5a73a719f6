import type { INestApplication, Provider, Type } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { AdminKeyGuard, AdminLoginThrottle, ApiKeyDirectory, OidcVerifier, TrustedProxies } from '@plexus/auth';
import {
  AliasRepository,
  ApiKeyRepository,
  AuditLogRepository,
  ProviderRepository,
  UserQuotaRepository,
  type AuditEntry,
} from '@plexus/persistence';

export const TEST_ADMIN_KEY = 'controller-tier-admin';
export const TEST_LIMITED_KEY = 'sk-controller-tier-limited';

/**
 * The environment token the admin guard injects, read from its constructor rather than
 * imported: libs/management may not depend on libs/config. The guard reads two variables.
 */
const ENVIRONMENT = (Reflect.getMetadata('design:paramtypes', AdminKeyGuard) as Type[])[0];

export interface ManagementControllerApp {
  app: NestFastifyApplication;
  /** What the audit interceptor recorded, in order. */
  audit: AuditEntry[];
  inject(
    method: 'GET' | 'PUT' | 'PATCH' | 'POST' | 'DELETE',
    url: string,
    options?: { key?: string; body?: unknown },
  ): Promise<{ status: number; json: () => unknown }>;
}

/**
 * One or more management controllers on a light Nest module over Fastify: the real guards,
 * validation pipe, error filter and audit interceptor, the controllers' services replaced by
 * the given providers, and nothing stored (no objects are managed by a config file). The key
 * `TEST_LIMITED_KEY` signs in as the limited principal of the key `limited`.
 */
export async function startManagementControllers(
  controllers: Type[],
  services: Provider[],
): Promise<ManagementControllerApp> {
  const audit: AuditEntry[] = [];
  const noObjects = { findBySlug: () => Promise.resolve(null), findByName: () => Promise.resolve(null) };
  const module = await Test.createTestingModule({
    controllers,
    providers: [
      ...services,
      { provide: ENVIRONMENT, useValue: { ADMIN_KEY: TEST_ADMIN_KEY, SSO_USER_HEADER: 'x-forwarded-email' } },
      {
        provide: ApiKeyDirectory,
        useValue: {
          authenticate: (secret: string) =>
            secret === TEST_LIMITED_KEY ? { ok: true, principal: { keyName: 'limited' } } : { ok: false },
        },
      },
      { provide: TrustedProxies, useValue: { clientAddress: () => '127.0.0.1', isTrusted: () => false } },
      {
        provide: AdminLoginThrottle,
        // Never over the limit here: each wrong key gets its 401 at once.
        useValue: { recordFailure: () => Promise.resolve({ failures: 1, retryAfterSeconds: 0, delayMs: 0 }) },
      },
      { provide: OidcVerifier, useValue: { enabled: false } },
      { provide: ProviderRepository, useValue: noObjects },
      { provide: AliasRepository, useValue: noObjects },
      { provide: ApiKeyRepository, useValue: noObjects },
      { provide: UserQuotaRepository, useValue: noObjects },
      {
        provide: AuditLogRepository,
        useValue: { record: (entry: AuditEntry) => Promise.resolve(void audit.push(entry)) },
      },
    ],
  }).compile();
  const app = module.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    audit,
    async inject(method, url, options = {}) {
      const response = await app.inject({
        method,
        url,
        headers: {
          ...(options.key !== undefined && { 'x-admin-key': options.key }),
          ...(options.body !== undefined && { 'content-type': 'application/json' }),
        },
        ...(options.body !== undefined && { payload: JSON.stringify(options.body) }),
      });
      return { status: response.statusCode, json: () => response.json() };
    },
  };
}

export function stopManagementControllers(harness: { app: INestApplication } | undefined): Promise<void> {
  return harness ? harness.app.close() : Promise.resolve();
}
