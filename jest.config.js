/** @type {import('jest').Config} */
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }] };

const project = (name, extra = {}) => ({
  displayName: name,
  testEnvironment: 'node',
  transform,
  testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
  ...extra,
});

module.exports = {
  // One Azurite (and, later, the other local services) for the whole run: see test/support/global-setup.ts.
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  transform,
  // Build outputs with their own package.json (the deploy package, the NuGet cache) are not test sources.
  modulePathIgnorePatterns: ['<rootDir>/.deploy/', '<rootDir>/.tools/'],
  testTimeout: 60_000,
  projects: [project('unit'), project('integration'), project('e2e')],
};
