import { EnvironmentError, loadEnvironment } from './environment';

describe('loadEnvironment', () => {
  it('applies defaults when only ADMIN_KEY is set', () => {
    const env = loadEnvironment({ ADMIN_KEY: 'admin' });
    expect(env).toMatchObject({
      ADMIN_KEY: 'admin',
      DATA_DIR: './data',
      PORT: 4000,
      HOST: '0.0.0.0',
      LOG_LEVEL: 'info',
    });
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it('refuses to load without ADMIN_KEY, naming it', () => {
    expect(() => loadEnvironment({})).toThrow(/ADMIN_KEY is required/);
    expect(() => loadEnvironment({ ADMIN_KEY: '' })).toThrow(EnvironmentError);
  });

  it('reports every malformed variable at once', () => {
    try {
      loadEnvironment({
        ADMIN_KEY: 'a',
        PORT: 'abc',
        ENCRYPTION_KEY: 'short',
        DATABASE_URL: 'mysql://x',
        LOG_LEVEL: 'loud',
      });
      fail('expected an EnvironmentError');
    } catch (error) {
      expect(error).toBeInstanceOf(EnvironmentError);
      const problems = (error as EnvironmentError).problems.join('\n');
      expect(problems).toMatch(/PORT must be an integer/);
      expect(problems).toMatch(/ENCRYPTION_KEY must be 64 hex/);
      expect(problems).toMatch(/DATABASE_URL must be a postgres/);
      expect(problems).toMatch(/LOG_LEVEL must be one of/);
    }
  });

  it('parses PORT as a number', () => {
    expect(loadEnvironment({ ADMIN_KEY: 'a', PORT: '8080' }).PORT).toBe(8080);
  });
});
