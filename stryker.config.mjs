// @ts-check
/* global process */
/**
 * Mutation testing of the unit tests (docs/testing.md). Not part of `npm test` or CI: a full run takes
 * about 80 minutes on two cores (domain 46, app 32). `npm run test:mutation` runs shared/domain (break
 * below 85%) and then shared/app (break below 70%); narrow a run with `--mutate` (one comma-separated
 * list; a second `--mutate` replaces the first), e.g.
 *   npx stryker run stryker.config.mjs --mutate shared/domain/appointments/appointment.ts
 * STRYKER_SCOPE=app selects the app folder and its threshold.
 */
const scope = process.env.STRYKER_SCOPE === 'app' ? 'app' : 'domain';
const breakAt = { domain: 85, app: 70 }[scope];
/** Report name (STRYKER_REPORT lets runs on different file subsets keep their reports apart). */
const report = process.env.STRYKER_REPORT ?? scope;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  // The jest runner, restricted to the test files that hold a mutant's covering tests (see the plugin).
  testRunner: 'jest-by-test-file',
  plugins: ['@stryker-mutator/jest-runner', './test/support/mutation/jest-by-test-file.mjs'],
  jest: { configFile: 'jest.mutation.config.js', enableFindRelatedTests: true },
  coverageAnalysis: 'perTest',
  mutate: [`shared/${scope}/**/*.ts`, '!shared/**/*.d.ts', '!shared/app/ports/**'],
  // Mutants in module-level constants (texts, regexes, limits) are run too, against every related test file
  // with the module reloaded: slower, but those constants are behaviour (docs/testing.md).
  ignoreStatic: false,
  concurrency: 2,
  timeoutMS: 10_000,
  thresholds: { high: 90, low: breakAt, break: breakAt },
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `coverage/mutation/${report}.html` },
  jsonReporter: { fileName: `coverage/mutation/${report}.json` },
  // Inside coverage/, which git, ESLint and tsc already leave alone.
  tempDirName: 'coverage/.stryker-tmp',
  // `--incremental` reuses this file's results for mutants whose code and covering tests did not change.
  incremental: false,
  incrementalFile: `coverage/mutation/${report}.incremental.json`,
};
