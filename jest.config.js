// Projects: unit specs next to the code; integration, e2e, model and embedding specs under test/.
// tsconfig sets isolatedModules, so ts-jest transpiles only; `npm run typecheck` does the type checking.
const transform = { '^.+\\.ts$': ['ts-jest', {}] };
const common = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  testEnvironment: 'node',
  transform,
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 60_000,
  globalSetup: '<rootDir>/test/support/global-setup.js',
  projects: [
    { ...common, displayName: 'unit', rootDir: 'src', testRegex: '.*\\.spec\\.ts$' },
    {
      ...common,
      displayName: 'integration',
      rootDir: '.',
      testRegex: 'test/integration/.*\\.int-spec\\.ts$',
    },
    {
      ...common,
      displayName: 'e2e',
      rootDir: '.',
      testRegex: 'test/e2e/.*\\.e2e-spec\\.ts$',
      // Every answer an e2e test receives is checked against the service's OpenAPI document.
      setupFilesAfterEnv: ['<rootDir>/test/support/response-contract.setup.ts'],
    },
    {
      ...common,
      displayName: 'model',
      rootDir: '.',
      testRegex: 'test/model/.*\\.model-spec\\.ts$',
    },
    {
      ...common,
      displayName: 'embedding',
      rootDir: '.',
      testRegex: 'test/embedding/.*\\.embedding-spec\\.ts$',
    },
    // Real Chromium (/usr/bin/chromium) driven by playwright-core; skipped, with a reason, without it.
    {
      ...common,
      displayName: 'browser',
      rootDir: '.',
      testRegex: 'test/browser/.*\\.browser-spec\\.ts$',
    },
  ],
};
