// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Who may import whom (DESIGN.md section 3), enforced. Two libs go beyond the design's
 * table: `auth` (API-key and admin-key authentication, shared by ingress and management)
 * and `conversations` (Responses API state, which ingress needs and may not reach in
 * persistence directly).
 */
const LAYERS = {
  'libs/core': [],
  'libs/config': ['core'],
  'libs/persistence': ['core'],
  'libs/auth': ['core', 'config', 'persistence'],
  'libs/protocols': ['core'],
  'libs/providers': ['core', 'config', 'protocols'],
  'libs/routing': ['core', 'config', 'persistence'],
  'libs/quota': ['core', 'config', 'persistence'],
  'libs/usage': ['core', 'config', 'persistence'],
  'libs/conversations': ['core', 'persistence'],
  'libs/oauth': ['core', 'config', 'persistence'],
  'libs/mcp': ['core', 'config', 'persistence', 'oauth'],
  'libs/ingress': ['core', 'auth', 'conversations', 'protocols', 'providers', 'routing', 'quota', 'usage', 'oauth'],
  'libs/management': ['core', 'auth', 'persistence', 'routing', 'quota', 'usage', 'oauth', 'mcp'],
  'libs/testing': ['core', 'protocols'],
};

const libsEscape = {
  group: ['**/libs/**', '../../*/src/**'],
  message: 'Import another lib through its @plexus/<lib> entry point.',
};

function layerRules(folder, allowed) {
  const allow = allowed.length > 0 ? `(?!(${allowed.join('|')})(/|$))` : '';
  return {
    files: [`${folder}/**/*.ts`],
    ignores: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            libsEscape,
            {
              regex: `^@plexus/${allow}`,
              message: `${folder} may import only: ${allowed.join(', ') || 'nothing of ours'} (DESIGN.md section 3).`,
            },
          ],
        },
      ],
    },
  };
}

/** Wire formats never import each other: each protocols/<format> sees only core. */
const protocolIsolation = {
  files: ['libs/protocols/**/*.ts'],
  ignores: ['**/*.spec.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          libsEscape,
          { regex: '^@plexus/(?!core$)', message: 'A protocol codec may import only @plexus/core.' },
        ],
      },
    ],
  },
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'apps/admin/**',
      'bench/**',
      'helm/**',
      'coverage/**',
      '.angular/**',
      '*.js',
      '*.mjs',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  ...Object.entries(LAYERS)
    .filter(([folder]) => folder !== 'libs/protocols')
    .map(([folder, allowed]) => layerRules(folder, allowed)),
  protocolIsolation,
  {
    files: [
      '**/*.spec.ts',
      '**/*.controller-spec.ts',
      '**/*.test-helpers.ts',
      '**/*.int-spec.ts',
      '**/*.e2e-spec.ts',
      'libs/testing/**/*.ts',
    ],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
