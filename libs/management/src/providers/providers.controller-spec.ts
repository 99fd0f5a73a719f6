import { notFound } from '../common/validation';
import { ErrorsController } from '../usage/errors.controller';
import { InferenceErrorsService } from '../usage/inference-errors.service';
import { KeysController } from '../keys/keys.controller';
import { KeysService } from '../keys/keys.service';
import {
  startManagementControllers,
  stopManagementControllers,
  TEST_ADMIN_KEY,
  TEST_LIMITED_KEY,
  type ManagementControllerApp,
} from '../testing/management-controller.test-helpers';
import { ProviderConfigDto } from './provider.dto';
import { ProvidersController } from './providers.controller';
import { ProvidersService } from './providers.service';

describe('management controllers: providers, keys, errors', () => {
  let harness: ManagementControllerApp | undefined;
  const calls: Array<[string, ...unknown[]]> = [];

  beforeAll(async () => {
    harness = await startManagementControllers(
      [ProvidersController, KeysController, ErrorsController],
      [
        {
          provide: ProvidersService,
          useValue: {
            list: () => Promise.resolve({}),
            get: (slug: string) => Promise.reject(notFound(`Provider '${slug}' not found`)),
            replace: (slug: string, config: unknown) => Promise.resolve(void calls.push(['replace', slug, config])),
          },
        },
        { provide: KeysService, useValue: { replace: () => Promise.resolve() } },
        {
          provide: InferenceErrorsService,
          useValue: { deleteAll: () => Promise.resolve(void calls.push(['deleteAllErrors'])) },
        },
      ],
    );
  });

  afterAll(() => stopManagementControllers(harness));

  beforeEach(() => {
    calls.length = 0;
    harness?.audit.splice(0);
  });

  const app = (): ManagementControllerApp => {
    if (!harness) throw new Error('not started');
    return harness;
  };

  it('answers 401 without a key or with a wrong one, before validating anything', async () => {
    for (const key of [undefined, 'wrong']) {
      const response = await app().inject('PUT', '/v0/management/providers/p', { key, body: [] });
      expect(response.status).toBe(401);
      expect(response.json()).toEqual({ error: { message: 'Unauthorized', type: 'auth_error', code: 401 } });
    }
    expect(calls).toEqual([]);
  });

  it('answers 400 naming the field and the reason, and never reaches the service', async () => {
    const response = await app().inject('PUT', '/v0/management/providers/p', {
      key: TEST_ADMIN_KEY,
      body: { api_base_url: 'nope' },
    });
    expect(response.status).toBe(400);
    expect(response.json()).toEqual({
      error: 'Validation failed',
      details: expect.arrayContaining([
        expect.objectContaining({ path: ['api_base_url'], code: expect.any(String), message: expect.any(String) }),
      ]) as unknown,
    });
    const notObject = await app().inject('PUT', '/v0/management/keys/k', { key: TEST_ADMIN_KEY, body: [1] });
    expect(notObject.status).toBe(400);
    expect(notObject.json()).toEqual({
      error: 'Validation failed',
      details: [{ path: [], message: 'Body must be a JSON object', code: 'invalid_type' }],
    });
    expect(calls).toEqual([]);
  });

  it('hands the validated DTO to the service and audits the change with its status', async () => {
    const response = await app().inject('PUT', '/v0/management/providers/p', {
      key: TEST_ADMIN_KEY,
      body: { api_base_url: 'https://api.example.com/v1', api_key: 'sk-upstream' },
    });
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ success: true, slug: 'p' });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.[2]).toBeInstanceOf(ProviderConfigDto);
    expect(app().audit).toEqual([
      expect.objectContaining({ actor: 'admin-key', method: 'PUT', path: '/v0/management/providers/p', status: 200 }),
    ]);
    expect(JSON.stringify(app().audit)).not.toContain('sk-upstream');
  });

  it('renders typed errors in their shape and leaves reads out of the audit log', async () => {
    const response = await app().inject('GET', '/v0/management/providers/missing', { key: TEST_ADMIN_KEY });
    expect(response.status).toBe(404);
    expect(response.json()).toEqual({ error: { message: "Provider 'missing' not found", type: 'not_found' } });
    expect((await app().inject('GET', '/v0/management/providers', { key: TEST_ADMIN_KEY })).status).toBe(200);
    expect(app().audit).toEqual([]);
  });

  it('deletes every error log for the admin only (DELETE /errors)', async () => {
    const limited = await app().inject('DELETE', '/v0/management/errors', { key: TEST_LIMITED_KEY });
    expect(limited.status).toBe(403);
    expect(calls).toEqual([]);
    const admin = await app().inject('DELETE', '/v0/management/errors', { key: TEST_ADMIN_KEY });
    expect(admin.status).toBe(200);
    expect(admin.json()).toEqual({ success: true });
    expect(calls).toEqual([['deleteAllErrors']]);
    expect(app().audit).toEqual([
      expect.objectContaining({ method: 'DELETE', path: '/v0/management/errors', status: 200 }),
    ]);
  });
});
