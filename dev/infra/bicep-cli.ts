import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The real Bicep compiler, restored from NuGet by infra/tools/bicep.csproj into the repo's .tools/
 * cache. .NET is only the way to get the binary; the product stays TypeScript.
 */
/** The repository root, from the sources (dev/infra) or the transpiled files (dist/dev/infra). */
export const repoRoot = (() => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'infra', 'tools', 'bicep.csproj'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no infra/tools/bicep.csproj above ${__dirname}`);
    dir = parent;
  }
  return dir;
})();
const toolsProject = path.join(repoRoot, 'infra', 'tools', 'bicep.csproj');
const packageId = 'Azure.Bicep.CommandLine.linux-x64';

export type BicepCli = { available: true; path: string; version: string } | { available: false; reason: string };

/** CI must never pass by skipping: CI=true (or .ci/run's INFRA_CHECK_REQUIRED=1) turns a skip into a failure. */
export function infraCheckRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.CI === 'true' || env.CI === '1' || env.INFRA_CHECK_REQUIRED === '1';
}

/** The pinned version, read from the tools project so it is written down once. */
export function pinnedBicepVersion(): string {
  const project = fs.readFileSync(toolsProject, 'utf8');
  const match = new RegExp(`Include="${packageId.replace(/\./g, '\\.')}"\\s+Version="\\[([^\\]]+)\\]"`).exec(project);
  if (!match) throw new Error(`${toolsProject}: no exact [x.y.z] version pinned for ${packageId}`);
  return match[1]!;
}

/** Restores the Bicep CLI if it is not cached yet and says where it is, or why it cannot be had here. */
export function ensureBicepCli(env: NodeJS.ProcessEnv = process.env): BicepCli {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return {
      available: false,
      reason: `the pinned ${packageId} binary runs on linux-x64 only (this is ${process.platform}-${process.arch})`,
    };
  }
  const version = pinnedBicepVersion();
  // BICEP_TOOLS_DIR moves the cache (tests use it to see what happens on a machine without one).
  const packagesDir = env.BICEP_TOOLS_DIR ?? path.join(repoRoot, '.tools', 'nuget');
  const binary = path.join(packagesDir, packageId.toLowerCase(), version, 'tools', 'bicep');
  if (!fs.existsSync(binary)) {
    const dotnet = spawnSync('dotnet', ['--version'], { encoding: 'utf8', env });
    if (dotnet.error || dotnet.status !== 0) {
      return { available: false, reason: `the .NET SDK (dotnet) is not on PATH, so ${packageId} ${version} cannot be restored from NuGet` };
    }
    const restore = spawnSync(
      'dotnet',
      ['restore', toolsProject, '--nologo', '--verbosity', 'quiet', `-p:RestorePackagesPath=${packagesDir}`],
      { encoding: 'utf8', env },
    );
    if (restore.status !== 0 || !fs.existsSync(binary)) {
      return { available: false, reason: `dotnet restore of ${packageId} ${version} failed: ${(restore.stdout + restore.stderr).trim()}` };
    }
  }
  // NuGet extracts files without their execute bit.
  fs.chmodSync(binary, 0o755);
  return { available: true, path: binary, version };
}

export interface BicepRun {
  ok: boolean;
  /** Compiler and linter diagnostics, one per line ("file(line,col) : Warning rule: text"). */
  diagnostics: string[];
  output: string;
}

function run(binary: string, args: string[]): BicepRun {
  const result = spawnSync(binary, args, {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1' },
  });
  const diagnostics = `${result.stderr ?? ''}`
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  return { ok: result.status === 0, diagnostics, output: result.stdout ?? '' };
}

/** `bicep build --stdout`: the ARM JSON, plus every warning or error the compiler reports. */
export function bicepBuild(binary: string, file: string): BicepRun {
  return run(binary, ['build', file, '--stdout']);
}

/** `bicep lint`: the linter's diagnostics under bicepconfig.json. */
export function bicepLint(binary: string, file: string): BicepRun {
  const result = run(binary, ['lint', file]);
  // lint writes diagnostics to stdout in some versions; gather both.
  const fromStdout = result.output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /: (Warning|Error|Info) /.test(line));
  return { ...result, diagnostics: [...result.diagnostics, ...fromStdout] };
}
