import fs from 'node:fs';
import path from 'node:path';

/** Files matched by package.json `main`, which may be a glob (`dist/functions/**\/*.js`) as in Azure. */
export function appEntryFiles(appDir: string): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(appDir, 'package.json'), 'utf8')) as { main?: string };
  if (!pkg.main) throw new Error(`${appDir}/package.json has no "main" entry`);
  if (!/[*?]/.test(pkg.main)) return [path.resolve(appDir, pkg.main)];
  const pattern = globToRegExp(pkg.main.replace(/\\/g, '/'));
  const base = path.resolve(appDir, pkg.main.split(/[*?]/)[0]!.replace(/[^/]*$/, ''));
  return walk(base)
    .map((file) => path.relative(appDir, file).split(path.sep).join('/'))
    .filter((relative) => pattern.test(relative))
    .sort()
    .map((relative) => path.resolve(appDir, relative));
}

/** Requires every entry file, which registers the app's functions with @azure/functions-core. */
export function loadFunctionApp(appDir: string): string[] {
  const files = appEntryFiles(appDir);
  if (files.length === 0) throw new Error(`No files match the "main" entry of ${appDir}/package.json: run the build first`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loading the app's files is the point
  for (const file of files) require(file);
  return files;
}

function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i += 1) {
    const char = glob[i]!;
    if (char === '*' && glob[i + 1] === '*') {
      source += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source.replace(/^\.\//, '')}$`);
}

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? walk(full) : [full];
  });
}
