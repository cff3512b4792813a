// Fast build for `npm start`: transpiles the TypeScript sources to dist/ with swc (no type check;
// `npm run build` / `npm test` type-check with tsc). Keeps a clean clone's start well under 30 s.
const fs = require('node:fs');
const path = require('node:path');
const swc = require('@swc/core');

const root = path.resolve(__dirname, '..');
const sources = ['functions', 'shared', 'dev', path.join('test', 'bench'), path.join('test', 'support')];

function tsFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

const files = sources.flatMap((dir) => tsFiles(path.join(root, dir)));
for (const file of files) {
  const relative = path.relative(root, file);
  const out = path.join(root, 'dist', relative.replace(/\.ts$/, '.js'));
  const { code, map } = swc.transformFileSync(file, {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
    sourceMaps: true,
    sourceFileName: path.relative(path.dirname(out), file),
  });
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${code}\n//# sourceMappingURL=${path.basename(out)}.map\n`);
  fs.writeFileSync(`${out}.map`, map);
}
console.log(`transpiled ${files.length} files to dist/`);
