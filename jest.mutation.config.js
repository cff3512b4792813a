/**
 * Jest for mutation testing (StrykerJS, `npm run test:mutation`): the unit tests only, with no global
 * set-up, because the unit tests need no local services and every mutant reruns them.
 */
/** @type {import('jest').Config} */
module.exports = {
  displayName: 'unit',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }] },
  testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
  // The infrastructure templates' checks cover no code under shared/ and take half a minute; the
  // repo-references test reads `git ls-files`, which sees nothing inside Stryker's sandbox (under the ignored coverage/).
  testPathIgnorePatterns: ['<rootDir>/test/unit/infra.test.ts', '<rootDir>/test/unit/architecture/repo-references.test.ts'],
  modulePathIgnorePatterns: ['<rootDir>/.deploy/', '<rootDir>/.tools/', '<rootDir>/coverage/'],
};
