import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeclarativeConfigError, loadDeclarativeConfig } from './declarative-config.loader';

describe('loadDeclarativeConfig', () => {
  let directory: string;
  const write = (text: string): string => {
    const file = join(directory, 'plexus.yaml');
    writeFileSync(file, text);
    return file;
  };

  beforeEach(() => (directory = mkdtempSync(join(tmpdir(), 'plexus-loader-'))));
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('puts ${ENV_VAR} references in every string, nested and in lists, and leaves other values alone', async () => {
    const file = write(`
providers:
  openai:
    api_base_url: https://\${HOST}/v1
    api_key: \${OPENAI_KEY}
    timeoutMs: 30000
    headers: { authorization: "Bearer \${OPENAI_KEY}" }
keys:
  team: { secret: "\${TEAM}", allowedModels: ["\${MODEL}", fixed] }
`);
    const env = { HOST: 'api.example.com', OPENAI_KEY: 'sk-1', TEAM: 'sk-team', MODEL: 'fast' };
    expect(await loadDeclarativeConfig(file, env)).toEqual({
      providers: {
        openai: {
          api_base_url: 'https://api.example.com/v1',
          api_key: 'sk-1',
          timeoutMs: 30000,
          headers: { authorization: 'Bearer sk-1' },
        },
      },
      keys: { team: { secret: 'sk-team', allowedModels: ['fast', 'fixed'] } },
    });
  });

  it('names a missing variable and where it is used, never another value', async () => {
    const file = write('keys:\n  team:\n    secret: ${TEAM_SECRET}\n    comment: ${PRESENT}\n');
    const error = (await loadDeclarativeConfig(file, { PRESENT: 'visible-value' }).catch(
      (caught: unknown) => caught,
    )) as Error;
    expect(error).toBeInstanceOf(DeclarativeConfigError);
    expect(error.message).toBe('PLEXUS_CONFIG: environment variable TEAM_SECRET is not set (used at keys.team.secret)');
    expect(error.message).not.toContain('visible-value');
  });

  it('refuses unreadable files, invalid YAML and documents that are not a mapping; an empty file is an empty config', async () => {
    await expect(loadDeclarativeConfig(join(directory, 'missing.yaml'), {})).rejects.toThrow('cannot read');
    await expect(loadDeclarativeConfig(write('providers: [unclosed'), {})).rejects.toThrow('is not valid YAML');
    await expect(loadDeclarativeConfig(write('- a\n- b\n'), {})).rejects.toThrow('must hold a mapping');
    expect(await loadDeclarativeConfig(write(''), {})).toEqual({});
  });
});
