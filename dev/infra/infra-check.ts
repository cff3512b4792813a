import fs from 'node:fs';
import path from 'node:path';
import { bicepBuild, bicepLint, ensureBicepCli, infraCheckRequired, repoRoot } from './bicep-cli';
import { checkCompiledTemplate, checkParametersFile } from './template-checks';

export type InfraCheckResult =
  | { status: 'passed'; bicepVersion: string; template: Record<string, unknown> }
  | { status: 'failed'; problems: string[] }
  | { status: 'skipped'; reason: string };

/**
 * `bicep build` and `bicep lint` with warnings treated as errors (rules turned off are named in
 * infra/bicepconfig.json), then the checks on the compiled ARM JSON.
 */
export function runInfraCheck(mainBicep: string, env: NodeJS.ProcessEnv = process.env): InfraCheckResult {
  const cli = ensureBicepCli(env);
  if (!cli.available) return { status: 'skipped', reason: cli.reason };
  const build = bicepBuild(cli.path, mainBicep);
  const lint = bicepLint(cli.path, mainBicep);
  // The compiler repeats linter warnings in build; list each once.
  const diagnostics = [...new Set([...build.diagnostics, ...lint.diagnostics])];
  if (!build.ok || diagnostics.length > 0) {
    return {
      status: 'failed',
      problems: diagnostics.length > 0 ? diagnostics : [`bicep build failed without diagnostics: ${build.output.slice(0, 500)}`],
    };
  }
  const template = JSON.parse(build.output) as Record<string, unknown>;
  const parametersFile = path.join(path.dirname(mainBicep), `${path.basename(mainBicep, '.bicep')}.parameters.json`);
  const parameters = fs.existsSync(parametersFile)
    ? (JSON.parse(fs.readFileSync(parametersFile, 'utf8')) as Record<string, unknown>)
    : undefined;
  const problems = [...checkCompiledTemplate(template), ...(parameters ? checkParametersFile(template, parameters) : [])];
  return problems.length > 0 ? { status: 'failed', problems } : { status: 'passed', bicepVersion: cli.version, template };
}

/** What `npm run infra:check` prints and its exit code; a skip fails where the check is required (CI). */
export function infraCheckCommand(env: NodeJS.ProcessEnv = process.env): { exitCode: number; lines: string[] } {
  const result = runInfraCheck(path.join(repoRoot, 'infra', 'main.bicep'), env);
  if (result.status === 'skipped') {
    return infraCheckRequired(env)
      ? { exitCode: 1, lines: [`infra:check FAILED: it cannot run here and CI must not skip it: ${result.reason}`] }
      : { exitCode: 0, lines: [`infra:check SKIPPED (bicep build, bicep lint and the template checks did not run): ${result.reason}`] };
  }
  if (result.status === 'failed') {
    return {
      exitCode: 1,
      lines: [`infra:check FAILED (${result.problems.length} problem(s)):`, ...result.problems.map((problem) => `  - ${problem}`)],
    };
  }
  const out = path.join(repoRoot, 'dist', 'infra', 'main.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify(result.template, null, 2)}\n`);
  return {
    exitCode: 0,
    lines: [
      `infra:check passed: bicep ${result.bicepVersion} built and linted infra/main.bicep with no warnings; template checks passed (${path.relative(repoRoot, out)})`,
    ],
  };
}

if (require.main === module) {
  const { exitCode, lines } = infraCheckCommand();
  for (const line of lines) (exitCode === 0 ? console.log : console.error)(line);
  process.exitCode = exitCode;
}
