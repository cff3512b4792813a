import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildDeployPackage, DEFAULT_PACKAGE_DIR, packageStats } from '../../../dev/deploy/build-package';

/**
 * The folder `azd deploy` ships (azure.yaml `dist`): it must hold only what runs in Azure and must load
 * on its own, with no help from the repository's node_modules.
 */
const repoRoot = path.join(__dirname, '..', '..', '..');
// Budget: measured 8,351 files and 43.3 MiB on disk (about 14 MB zipped) with the pinned dependencies;
// the old upload was about 60,000 files and 121 MB zipped. Growing past this needs a reason.
const BUDGET = { files: 10_000, mebibytes: 55 };

interface Loaded {
  registrations: Array<{ name: string; trigger?: string }>;
  resolved: string[];
}

/** Loads an app folder in a fresh Node process with a bare environment and lists what registered. */
function loadInCleanProcess(appDir: string): Loaded {
  const standIn = path.join(repoRoot, 'dist', 'dev', 'host', 'functions-core-stand-in.js');
  const loadApp = path.join(repoRoot, 'dist', 'dev', 'host', 'load-app.js');
  const child = spawnSync(process.execPath, [path.join(repoRoot, 'dev', 'deploy', 'list-registrations.js'), standIn, loadApp, appDir], {
    cwd: appDir,
    encoding: 'utf8',
    // No NODE_PATH, no NODE_OPTIONS, no settings: module resolution starts from the folder itself.
    env: { PATH: process.env.PATH ?? '' },
    timeout: 60_000,
  });
  if (child.status !== 0) throw new Error(`loading ${appDir} failed (${child.status}): ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as Loaded;
}

function allFiles(dir: string, base = dir): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? allFiles(full, base) : [path.relative(base, full)];
  });
}

describe('the deploy package', () => {
  let dir: string;
  let files: string[];

  beforeAll(() => {
    // Outside the repository, so Node cannot fall back to the repository's node_modules.
    dir = buildDeployPackage(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-package-')), 'api'));
    files = allFiles(dir);
  }, 180_000);

  afterAll(() => {
    if (dir) fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  });

  it('is what azd uploads: azure.yaml points at the folder `npm run package` writes', () => {
    const azureYaml = fs.readFileSync(path.join(repoRoot, 'azure.yaml'), 'utf8');
    expect(/^\s+dist:\s*(\S+)\s*$/m.exec(azureYaml)?.[1]).toBe(path.relative(repoRoot, DEFAULT_PACKAGE_DIR));
    const scripts = (JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
      .scripts;
    expect(scripts.package).toBe('node dist/dev/deploy/build-package.js');
  });

  it('holds host.json, package.json, the compiled functions/ and shared/, and node_modules only', () => {
    const topLevel = new Set(files.map((file) => file.split(path.sep)[0]));
    expect([...topLevel].sort()).toEqual(['.funcignore', 'functions', 'host.json', 'node_modules', 'package.json', 'shared']);
    expect(files.filter((file) => /\.ts$/.test(file) && !file.startsWith('node_modules'))).toEqual([]);
    expect(files).toContain(path.join('functions', 'http', 'health.js'));
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg.main).toBe('functions/**/*.js');
    expect(pkg).not.toHaveProperty('devDependencies');
    expect(pkg).not.toHaveProperty('scripts');
  });

  it('holds no dev host, emulator, dev token issuer or test', () => {
    const leaked = files.filter(
      (file) =>
        /^(dev|test|dist|infra|docs)[/\\]/.test(file) || /dev-issuer|acs-emulator|servicebus-broker|functions-core-stand-in/.test(file),
    );
    expect(leaked).toEqual([]);
  });

  it('holds no dev dependency', () => {
    const lock = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean }>;
    };
    const devOnly = Object.entries(lock.packages)
      .filter(([key, entry]) => key.startsWith('node_modules/') && entry.dev)
      .map(([key]) => key);
    expect(devOnly.length).toBeGreaterThan(50); // the check below means something
    expect(devOnly.filter((key) => fs.existsSync(path.join(dir, key)))).toEqual([]);
    for (const direct of ['jest', 'typescript', 'azurite', 'eslint', '@swc/core'])
      expect(fs.existsSync(path.join(dir, 'node_modules', direct))).toBe(false);
  });

  it('stays within its size budget', () => {
    const { files: count, bytes } = packageStats(dir);
    const mebibytes = bytes / 1024 / 1024;
    console.log(`deploy package: ${count} files, ${mebibytes.toFixed(1)} MiB (budget ${BUDGET.files} files, ${BUDGET.mebibytes} MiB)`);
    expect(count).toBeLessThanOrEqual(BUDGET.files);
    expect(mebibytes).toBeLessThanOrEqual(BUDGET.mebibytes);
  });

  it('loads in a clean Node process from its own node_modules and registers every function', () => {
    const fromPackage = loadInCleanProcess(dir);
    // The same app loaded from the repository's build is the reference list.
    const fromRepo = loadInCleanProcess(repoRoot);
    const names = (loaded: Loaded) => loaded.registrations.map((r) => `${r.name}:${r.trigger}`).sort();
    expect(names(fromPackage)).toEqual(names(fromRepo));
    expect(fromPackage.registrations.length).toBeGreaterThan(15);
    expect(names(fromPackage)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/:httpTrigger$/),
        expect.stringMatching(/:timerTrigger$/),
        expect.stringMatching(/:orchestrationTrigger$/),
        expect.stringMatching(/:activityTrigger$/),
      ]),
    );

    // Every module the app loaded came from the package (the stand-in and the loader are the host's).
    const host = new Set([
      path.join(repoRoot, 'dist', 'dev', 'host', 'functions-core-stand-in.js'),
      path.join(repoRoot, 'dist', 'dev', 'host', 'load-app.js'),
    ]);
    const outside = fromPackage.resolved.filter((file) => !file.startsWith(dir + path.sep) && !host.has(file));
    expect(outside).toEqual([]);
  });
});
