import fs from 'node:fs';
import path from 'node:path';
import { bicepBuild, bicepLint, ensureBicepCli, infraCheckRequired, repoRoot } from './bicep-cli';
import { checkCompiledTemplate } from './template-checks';

export type InfraCheckResult =
  | { status: 'passed'; bicepVersion: string; template: Record<string, unknown> }
  | { status: 'failed'; problems: string[] }
  | { status: 'skipped'; reason: string };

/**
 * `bicep build` and `bicep lint` with warnings treated as errors (rules turned off are named in
 * infra/bicepconfig.json), then the checks on the compiled ARM JSON.
 */
export function runInfraCheck(mainBicep: string): InfraCheckResult {
  const cli = ensureBicepCli();
  if (!cli.available) return { status: 'skipped', reason: cli.reason };
  const build = bicepBuild(cli.path, mainBicep);
  const lint = bicepLint(cli.path, mainBicep);
  // The compiler repeats linter warnings in build; list each once.
  const diagnostics = [...new Set([...build.diagnostics, ...lint.diagnostics])];
  if (!build.ok || diagnostics.length > 0) {
    return { status: 'failed', problems: diagnostics.length > 0 ? diagnostics : [`bicep build failed without diagnostics: ${build.output.slice(0, 500)}`] };
  }
  const template = JSON.parse(build.output) as Record<string, unknown>;
  const problems = checkCompiledTemplate(template);
  return problems.length > 0 ? { status: 'failed', problems } : { status: 'passed', bicepVersion: cli.version, template };
}

function main(): void {
  const mainBicep = path.join(repoRoot, 'infra', 'main.bicep');
  const result = runInfraCheck(mainBicep);
  if (result.status === 'skipped') {
    if (infraCheckRequired()) {
      console.error(`infra:check FAILED: it cannot run here and CI must not skip it: ${result.reason}`);
      process.exit(1);
    }
    console.warn(`infra:check SKIPPED (bicep build, bicep lint and the template checks did not run): ${result.reason}`);
    return;
  }
  if (result.status === 'failed') {
    console.error(`infra:check FAILED (${result.problems.length} problem(s)):`);
    for (const problem of result.problems) console.error(`  - ${problem}`);
    process.exit(1);
  }
  const out = path.join(repoRoot, 'dist', 'infra', 'main.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify(result.template, null, 2)}\n`);
  console.log(`infra:check passed: bicep ${result.bicepVersion} built and linted infra/main.bicep with no warnings; template checks passed (${path.relative(repoRoot, out)})`);
}

if (require.main === module) main();
