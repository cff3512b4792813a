import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Builds the folder `azd deploy` zips (azure.yaml `dist`): host.json, a production package.json, the
 * compiled functions/ and shared/ from `npm run build`, and production dependencies only. Nothing
 * else of the repository (dev host, emulators, dev token issuer, tests, sources) can reach Azure.
 */
const repoRoot = (() => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'host.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no host.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
})();

export const DEFAULT_PACKAGE_DIR = path.join(repoRoot, '.deploy', 'api');
/** The compiled folders that ship; everything else under dist/ (dev/, test/) stays home. */
const SHIPPED_FOLDERS = ['functions', 'shared'];

interface PackageJson {
  name: string;
  version: string;
  description?: string;
  main: string;
  engines?: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies?: Record<string, string>;
}

function copyCompiled(from: string, to: string): void {
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) copyCompiled(source, target);
    else if (entry.name.endsWith('.js') || entry.name.endsWith('.json')) {
      fs.mkdirSync(to, { recursive: true });
      fs.copyFileSync(source, target);
    }
  }
}

/** Builds the package into `outDir` (replacing it) and returns its path. Needs `npm run build` first. */
export function buildDeployPackage(outDir: string = DEFAULT_PACKAGE_DIR): string {
  const dist = path.join(repoRoot, 'dist');
  for (const folder of SHIPPED_FOLDERS) {
    if (!fs.existsSync(path.join(dist, folder))) throw new Error(`dist/${folder} is missing: run \`npm run build\` first`);
  }
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });

  fs.copyFileSync(path.join(repoRoot, 'host.json'), path.join(outDir, 'host.json'));
  for (const folder of SHIPPED_FOLDERS) copyCompiled(path.join(dist, folder), path.join(outDir, folder));

  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as PackageJson;
  // The repository's main is dist/functions/**/*.js; in the package the compiled folders sit at the top.
  const main = pkg.main.replace(/^dist\//, '');
  // npm ci installs exactly the lock file's versions; it needs the manifest the lock was made from.
  fs.writeFileSync(path.join(outDir, 'package.json'), JSON.stringify({ ...pkg, scripts: {} }, null, 2));
  fs.copyFileSync(path.join(repoRoot, 'package-lock.json'), path.join(outDir, 'package-lock.json'));
  const install = spawnSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], {
    cwd: outDir,
    encoding: 'utf8',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (install.status !== 0) throw new Error(`npm ci --omit=dev failed in ${outDir}: ${install.stdout}${install.stderr}`);

  const shipped = {
    name: pkg.name,
    version: pkg.version,
    description: pkg.description,
    private: true,
    main,
    engines: pkg.engines,
    dependencies: pkg.dependencies,
  };
  fs.writeFileSync(path.join(outDir, 'package.json'), `${JSON.stringify(shipped, null, 2)}\n`);
  fs.rmSync(path.join(outDir, 'package-lock.json'));
  // Type declarations and source maps are half the bytes of node_modules and never run.
  pruneFiles(path.join(outDir, 'node_modules'), /\.(map|d\.ts|d\.mts|d\.cts)$/);
  // With an ignore file present azd applies only its rules; without one, its defaults may drop node_modules.
  fs.writeFileSync(path.join(outDir, '.funcignore'), '# Built by `npm run package`: everything in this folder ships.\n*.ts\n*.map\n');
  return outDir;
}

function pruneFiles(dir: string, pattern: RegExp): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) pruneFiles(full, pattern);
    else if (pattern.test(entry.name)) fs.rmSync(full);
  }
}

export interface PackageStats {
  files: number;
  bytes: number;
}

/** File count and size on disk of a folder. */
export function packageStats(dir: string): PackageStats {
  let files = 0;
  let bytes = 0;
  const walk = (current: string) => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else {
        files += 1;
        bytes += fs.statSync(full).size;
      }
    }
  };
  walk(dir);
  return { files, bytes };
}

if (require.main === module) {
  const out = buildDeployPackage(process.argv[2] ? path.resolve(process.argv[2]) : undefined);
  const { files, bytes } = packageStats(out);
  console.log(`deploy package: ${path.relative(process.cwd(), out) || out}, ${files} files, ${(bytes / 1024 / 1024).toFixed(1)} MiB`);
}
