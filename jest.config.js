/** Unit (*.spec.ts), controller (*.controller-spec.ts: one controller on a light Nest module), integration (*.int-spec.ts) and e2e (*.e2e-spec.ts) tests, compiled by SWC. */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2023',
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const moduleNameMapper = {
  // ESM-style relative specifiers (`./x.js`) name TypeScript sources.
  '^(\\.{1,2}/.*)\\.js$': '$1',
  '^@plexus/protocols/(.*)$': '<rootDir>/libs/protocols/$1/src',
  '^@plexus/(.*)$': '<rootDir>/libs/$1/src',
};

const common = { testEnvironment: 'node', transform: { '^.+\\.ts$': swc }, moduleNameMapper, rootDir: __dirname };

module.exports = {
  testTimeout: 60_000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    { ...common, displayName: 'controller', testMatch: ['<rootDir>/{apps,libs}/**/*.controller-spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/{apps,libs}/**/*.int-spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/apps/**/*.e2e-spec.ts'],
      setupFiles: ['<rootDir>/libs/testing/src/jest-undici.setup.ts'],
    },
  ],
};
