// @ts-check
/* global process */
/**
 * StrykerJS test runner "jest-by-test-file": the jest runner, except that a mutant covered by known tests
 * runs only the test files that hold those tests.
 *
 * Why: the jest runner filters a mutant's tests by name but still loads every test file related to the
 * mutated file. For a domain module that nearly every test imports, that is ~60 files (zod, luxon and the
 * AsyncAPI parser loaded again in each) for one or two covering tests: ~5 s per mutant instead of ~1 s.
 * Which file holds which test is in the dry run's results; the dry-run worker writes it down and every
 * worker reads it. Mutants without per-test coverage (static ones) keep the jest runner's behaviour: every
 * related test file, the module reloaded.
 */
import fs from 'node:fs';
import path from 'node:path';
import { declareFactoryPlugin, PluginKind } from '@stryker-mutator/api/plugin';
import { strykerPlugins as jestPlugins } from '@stryker-mutator/jest-runner';

const jestFactory = /** @type {any} */ (jestPlugins[0]).factory;
/** In the sandbox, which every worker shares as its working directory. */
const mapFile = () => path.join(process.cwd(), '.stryker-test-files.json');

/** @param {any} injector */
function jestByTestFileFactory(injector) {
  const runner = jestFactory(injector);
  /** @type {Record<string, string[]> | undefined} */
  let filesByTestId;
  /** @type {string[] | undefined} */
  let onlyFiles;

  const dryRun = runner.dryRun.bind(runner);
  runner.dryRun = async (/** @type {any} */ options) => {
    const result = await dryRun(options);
    if (result.status === 'complete') {
      /** @type {Record<string, string[]>} */
      const map = {};
      // Two files may hold tests of the same full name: keep every file.
      for (const test of result.tests) {
        const files = (map[test.id] ??= []);
        if (test.fileName && !files.includes(test.fileName)) files.push(test.fileName);
      }
      fs.writeFileSync(mapFile(), JSON.stringify(map));
    }
    return result;
  };

  const run = runner.run.bind(runner);
  runner.run = (/** @type {any} */ settings) => run(onlyFiles ? { ...settings, testFiles: onlyFiles } : settings);

  const mutantRun = runner.mutantRun.bind(runner);
  runner.mutantRun = async (/** @type {any} */ options) => {
    filesByTestId ??= fs.existsSync(mapFile()) ? JSON.parse(fs.readFileSync(mapFile(), 'utf8')) : {};
    const files = options.testFilter?.map((/** @type {string} */ id) => filesByTestId?.[id]);
    // Any test of unknown file: fall back to the jest runner's own choice of files.
    onlyFiles = files && files.length > 0 && files.every((f) => f && f.length > 0) ? [...new Set(files.flat())] : undefined;
    try {
      return await mutantRun(options);
    } finally {
      onlyFiles = undefined;
    }
  };
  return runner;
}
jestByTestFileFactory.inject = jestFactory.inject;

export const strykerPlugins = [declareFactoryPlugin(PluginKind.TestRunner, 'jest-by-test-file', jestByTestFileFactory)];
